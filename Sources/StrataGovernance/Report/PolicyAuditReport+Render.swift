import Foundation
import StrataCore

extension PolicyAuditReport {
    public enum Format: String, Sendable, CaseIterable { case text, markdown, json }

    public func render(_ format: Format) -> String {
        switch format {
        case .text: return text()
        case .markdown: return markdown()
        case .json: return json()
        }
    }

    static func tagList(_ c: ColumnAudit) -> String {
        var parts: [String] = []
        if !c.declared.isEmpty { parts.append("declared " + c.declared.map(\.name).joined(separator: ", ")) }
        if !c.detected.isEmpty { parts.append("detected " + c.detected.map(\.tag.name).joined(separator: ", ")) }
        if !c.propagated.isEmpty { parts.append("propagated " + c.propagated.map(\.name).joined(separator: ", ")) }
        if !c.declassified.isEmpty { parts.append("declassified " + c.declassified.flatMap { $0.tags.map(\.name) }.sorted().joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }

    func text() -> String {
        var out = ["policy audit (policies \(String(policyDigest.prefix(12))), \(files.count) file(s): \(files.joined(separator: ", ")))", ""]
        for t in tables {
            out.append("\(t.table)\(t.exists ? "" : " (planned)")")
            for r in t.roles {
                out.append("  role \(r.role): " + (r.allowed ? "allowed" + (r.rowFilter.map { ", rows where \($0)" } ?? "") : "denied"))
            }
            for c in t.columns {
                let tags = Self.tagList(c)
                out.append("  \(c.name) \(c.type)" + (tags.isEmpty ? "" : "  [\(tags)]") + "  stored: \(c.stored)")
                let access = c.access.map { "\($0.role) \($0.sees)" }.joined(separator: ", ")
                if !access.isEmpty { out.append("      " + access) }
            }
            out.append("")
        }
        out.append("findings (\(findings.count)):")
        for f in findings { out.append("  \(f.severity.rawValue.uppercased()) \(f.kind.rawValue) \(f.subject): \(f.message)") }
        if findings.isEmpty { out.append("  none") }
        return out.joined(separator: "\n")
    }

    func markdown() -> String {
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var out = ["# Policy audit", "", "Policies digest `\(policyDigest)`; files: \(files.map { "`\($0)`" }.joined(separator: ", ")).", ""]
        out.append("## Findings")
        out.append("")
        if findings.isEmpty { out.append("None.") } else {
            out.append("| severity | finding | subject | detail |")
            out.append("|---|---|---|---|")
            for f in findings { out.append("| \(f.severity.rawValue) | \(f.kind.rawValue) | `\(cell(f.subject))` | \(cell(f.message)) |") }
        }
        out.append("")
        for t in tables {
            out.append("## \(t.table)\(t.exists ? "" : " (planned)")")
            out.append("")
            out.append("Access: " + t.roles.map { "**\($0.role)** " + ($0.allowed ? "allowed" + ($0.rowFilter.map { " (rows where `\(cell($0))`)" } ?? "") : "denied") }.joined(separator: ", "))
            out.append("")
            let roles = t.roles.map(\.role)
            out.append("| column | type | tags | stored | " + roles.joined(separator: " | ") + " |")
            out.append("|---|---|---|---|" + String(repeating: "---|", count: roles.count))
            for c in t.columns {
                out.append("| \(c.name) | \(c.type) | \(cell(Self.tagList(c))) | \(c.stored) | " + c.access.map { cell($0.sees) }.joined(separator: " | ") + " |")
            }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    func json() -> String {
        let obj: [String: Any] = [
            "policy_digest": policyDigest,
            "files": files,
            "tables": tables.map { t -> [String: Any] in
                [
                    "table": t.table.description,
                    "exists": t.exists,
                    "roles": t.roles.map { r -> [String: Any] in
                        var o: [String: Any] = ["role": r.role, "allowed": r.allowed]
                        if let f = r.rowFilter { o["row_filter"] = f }
                        return o
                    },
                    "columns": t.columns.map { c -> [String: Any] in
                        [
                            "name": c.name, "type": c.type.description,
                            "tags": [
                                "declared": c.declared.map(\.name),
                                "detected": c.detected.map { ["tag": $0.tag.name, "kind": $0.kind.rawValue, "embedded": $0.embedded,
                                                             "hits": $0.hits, "sampled": $0.sampled] as [String: Any] },
                                "propagated": c.propagated.map(\.name),
                                "declassified": c.declassified.map { ["tags": $0.tags.map(\.name).sorted(), "reason": $0.reason] as [String: Any] },
                            ] as [String: Any],
                            "stored": c.stored,
                            "access": Dictionary(c.access.map { ($0.role, $0.sees) }, uniquingKeysWith: { a, _ in a }),
                        ]
                    },
                ]
            },
            "findings": findings.map { ["severity": $0.severity.rawValue, "kind": $0.kind.rawValue, "subject": $0.subject, "message": $0.message] },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data() // strings and numbers only: cannot fail
        return String(decoding: data, as: UTF8.self)
    }
}
