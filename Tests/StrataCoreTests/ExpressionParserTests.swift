import Testing
@testable import StrataCore
