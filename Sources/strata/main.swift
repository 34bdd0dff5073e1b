import StrataCLI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

exit(StrataCLI.main(CommandLine.arguments))
