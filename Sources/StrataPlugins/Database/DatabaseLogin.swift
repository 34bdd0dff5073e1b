import Foundation
import StrataConfig
import StrataCore

/// How a database connector gets its password: from an environment variable or a file, never
/// from the dsn (which ends up in logs and config history) and never into a message.
struct DatabaseLogin: Sendable {
    let passwordEnv: String?
    let passwordFile: String?
    /// The config path of the section, for messages.
    let location: String

    static let keys = [
        ConfigKey("password_env", "string", "The environment variable holding the password."),
        ConfigKey("password_file", "string", "A file (relative to pipelines.yaml) whose first line is the password."),
    ]

    init(_ m: ConfigMap) throws {
        passwordEnv = try m.string("password_env")
        passwordFile = try m.string("password_file")
        if passwordEnv != nil && passwordFile != nil {
            throw m.error("password_file", .invalidConfig, "give the password by password_env or by password_file, not both")
        }
        location = m.path
    }

    /// The error for a dsn that holds a password.
    static func passwordInDSN(_ m: ConfigMap) -> StrataError {
        m.error("dsn", .invalidConfig, "the dsn holds a password; it would end up in logs and config history",
                hint: "remove it and set `password_env: VAR` (or `password_file: PATH`)")
    }

    /// The password, from the environment or the file; never part of a message.
    func password(projectRoot: String) throws -> String? {
        if let v = passwordEnv {
            guard let p = ProcessInfo.processInfo.environment[v] else {
                throw StrataError(.invalidConfig, "\(location): the environment variable \(v) (password_env) is not set")
            }
            return p
        }
        if let f = passwordFile {
            let path = f.hasPrefix("/") ? f : projectRoot + "/" + f
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { // the message below says what failed; the file's text is never shown
                throw StrataError(.io, "\(location): cannot read the password file \(path)")
            }
            // The first line, however it ends (`\r\n` from Windows is one newline too).
            return String(text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).first ?? "")
        }
        return nil
    }
}
