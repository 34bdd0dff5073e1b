public import StrataCore
import Foundation

/// `strata init`: writes a project skeleton into a new or empty folder, never over a file.
public enum ProjectInit {
    public struct Result: Sendable {
        /// The files written, relative to the folder.
        public var files: [String]
    }

    /// Writes `template` into `dir` (created when missing). Throws `.usage` naming the files that
    /// are already there, before writing anything.
    public static func write(_ template: ProjectTemplate, to dir: String) throws -> Result {
        let fm = FileManager.default
        let files = template.files
        // The demo's landing data is generated into datalake/landing, which must not exist yet.
        let landing = template == .ecommerce ? ["datalake/landing"] : []
        let taken = (files.map(\.path) + landing).filter { fm.fileExists(atPath: dir + "/" + $0) }
        if !taken.isEmpty {
            throw StrataError(.usage, "\(dir) already has " + taken.prefix(5).joined(separator: ", ") + (taken.count > 5 ? ", …" : "")
                              + "; strata init writes only into a new folder or one without these files",
                              hint: "choose another folder: `strata init my-lake`")
        }
        var written: [String] = []
        do {
            for f in files {
                let path = dir + "/" + f.path
                try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(f.text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                written.append(f.path)
            }
            if template == .ecommerce {
                let s = try EcommerceGenerator(options: EcommerceGeneratorOptions(transactions: 2000)).write(to: dir + "/datalake/landing", progress: nil)
                written += s.files.map { "datalake/landing/" + $0.path }
            }
        } catch let e as StrataError {
            throw e
        } catch {
            throw StrataError(.io, "cannot write the project into \(dir)", cause: "\(error)")
        }
        return Result(files: written)
    }
}
