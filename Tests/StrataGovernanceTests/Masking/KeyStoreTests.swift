@testable import StrataGovernance
import Foundation
import StrataCore
import Testing

@Suite struct KeyStoreTests {
    @Test func keyFileIsCreatedOnceWithOwnerOnlyPermissions() throws {
        let dir = try TempDir()
        let store = KeyStore(lakeRoot: dir.path + "/lake", environment: [:])
        let k1 = try store.key(.mask)
        let k2 = try store.key(.mask)
        #expect(k1 == k2)
        #expect(k1.bytes.count == 32)
        let tok = try store.key(.token)
        #expect(tok.bytes.count == 64)
        let fm = FileManager.default
        let fileMode = (try fm.attributesOfItem(atPath: store.directory + "/mask.key")[.posixPermissions] as! NSNumber).intValue
        let dirMode = (try fm.attributesOfItem(atPath: store.directory)[.posixPermissions] as! NSNumber).intValue
        #expect(fileMode == 0o600)
        #expect(dirMode == 0o700)
        #expect(fm.fileExists(atPath: store.directory + "/.gitignore"))
        // No leftovers from the create-then-link dance.
        #expect(try fm.contentsOfDirectory(atPath: store.directory).sorted() == [".gitignore", "mask.key", "token.key"])
        // A second store over the same lake reads the same key.
        #expect(try KeyStore(lakeRoot: dir.path + "/lake", environment: [:]).key(.mask) == k1)
    }

    @Test func keysNeverPrint() throws {
        let key = try KeyStore(lakeRoot: "/x", environment: ["STRATA_MASK_KEY": String(repeating: "ab", count: 32)]).key(.mask)
        #expect(!"\(key)".contains("abab"))
        #expect(!String(reflecting: key).contains("abab"))
        #expect(key.keyID.count == 8)
    }

    @Test func groupReadableKeyFileIsRefused() throws {
        let dir = try TempDir()
        let store = KeyStore(lakeRoot: dir.path, environment: [:])
        _ = try store.key(.mask)
        chmod(store.directory + "/mask.key", 0o644)
        #expect(throws: StrataError.self) { try store.key(.mask) }
    }

    @Test func environmentKeysAcceptHexAndBase64AndRejectShortOnes() throws {
        let hex = String(repeating: "01", count: 32)
        let b64 = Data([UInt8](repeating: 1, count: 32)).base64EncodedString()
        let a = try KeyStore(lakeRoot: "/x", environment: ["STRATA_MASK_KEY": hex]).key(.mask)
        let b = try KeyStore(lakeRoot: "/x", environment: ["STRATA_MASK_KEY": b64]).key(.mask)
        #expect(a == b)
        do {
            _ = try KeyStore(lakeRoot: "/x", environment: ["STRATA_TOKEN_KEY": "deadbeef"]).key(.token)
            Issue.record("a short key was accepted")
        } catch let e as StrataError {
            #expect(e.code == .invalidConfig)
            #expect(!e.description.contains("deadbeef"))
        }
    }
}
