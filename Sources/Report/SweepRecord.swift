#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Platform

/// One line of `moat sweep` output (JSON Lines): a variant of the model and the verdict of
/// each property on it. Schema: docs/schema/moat-sweep.v1.json.
public struct SweepRecord: Codable, Hashable, Sendable {
    public struct Setting: Codable, Hashable, Sendable {
        public var key: String
        public var value: String
    }

    public struct Outcome: Codable, Hashable, Sendable {
        public var name: String
        public var verdict: String
        /// Steps of the attack, for attacks.
        public var attackLength: Int?
    }

    public var schemaVersion = 1
    /// The sweep's fingerprint: the model path and every spec. Records of different sweeps never mix.
    public var sweep: String
    public var model: String
    /// The variant's 0-based position in the sweep's enumeration.
    public var variantId: Int
    /// `smm.smrr=off smm.lock=on`.
    public var variant: String
    public var settings: [Setting]
    public var properties: [Outcome]
    public var proved: Int
    public var attacks: Int
    public var unknown: Int
    /// Wall-clock seconds for the variant; absent with --no-timings.
    public var seconds: Double?

    public init(sweep: String, model: String, variant: Sweep.Variant, results: [PropertyResult], seconds: Double?) {
        self.sweep = sweep
        self.model = model
        variantId = variant.id
        self.variant = variant.description
        settings = variant.settings.map { Setting(key: $0.key, value: $0.value) }
        properties = results.map { r in
            var length: Int?
            if case .attack(let trace) = r.verdict { length = trace.steps.count }
            return Outcome(name: r.property.name, verdict: r.verdict.word, attackLength: length)
        }
        let counts = VerdictCounts(results)
        proved = counts.proved
        attacks = counts.attacks
        unknown = counts.unknown
        self.seconds = seconds.map { ($0 * 1e3).rounded() / 1e3 }
    }

    /// The record as one line of JSON, without the newline.
    public var line: String { JSONReport.encodeLine(self) }

    /// Parses JSON Lines; a line that is not a record (say, one cut short when a run was
    /// killed) is skipped and counted.
    public static func parse(lines text: String) -> (records: [SweepRecord], skipped: Int) {
        let decoder = JSONDecoder()
        var records: [SweepRecord] = []
        var skipped = 0
        for line in text.split(separator: "\n") where !line.allSatisfy(\.isWhitespace) {
            if let record = try? decoder.decode(SweepRecord.self, from: Data(line.utf8)) {
                records.append(record)
            } else {
                skipped += 1
            }
        }
        return (records, skipped)
    }
}

/// Joins the outputs of sweep shards into one table.
public struct SweepTable {
    public var records: [SweepRecord]

    /// Records sorted by variant id, one per id (the first seen wins).
    ///
    /// - Throws: `SweepError` when the records come from different sweeps.
    public init(merging records: [SweepRecord]) throws(SweepError) {
        let sweeps = Set(records.map(\.sweep))
        guard sweeps.count <= 1 else {
            throw SweepError("the files hold results of \(sweeps.count) different sweeps (\(sweeps.sorted().map { "'\($0)'" }.joined(separator: ", "))); merge the shards of one sweep at a time")
        }
        var seen = Set<Int>()
        self.records = records.filter { seen.insert($0.variantId).inserted }.sorted { $0.variantId < $1.variantId }
    }

    /// A JSON array of the records.
    public func json() -> String { JSONReport.encode(records) }

    /// CSV (RFC 4180 quoting, lines ending in LF): `variant_id`, `variant`, one column per setting, one per property
    /// (`proved`, `unknown`, or `attack:N` with the attack's length), the counts, and `seconds`
    /// when the records have timings.
    public func csv() -> String {
        let keys = records.first?.settings.map(\.key) ?? []
        var names: [String] = []
        for record in records {
            for p in record.properties where !names.contains(p.name) { names.append(p.name) }
        }
        let timed = records.contains { $0.seconds != nil }
        var header = ["variant_id", "variant"] + keys + names + ["proved", "attacks", "unknown"]
        if timed { header.append("seconds") }
        var rows = [header]
        for r in records {
            var row = [String(r.variantId), r.variant]
            row += keys.map { key in r.settings.first { $0.key == key }?.value ?? "" }
            row += names.map { name in
                guard let p = r.properties.first(where: { $0.name == name }) else { return "" }
                return p.attackLength.map { "attack:\($0)" } ?? p.verdict
            }
            row += [String(r.proved), String(r.attacks), String(r.unknown)]
            if timed { row.append(r.seconds.map { String($0) } ?? "") }
            rows.append(row)
        }
        return rows.map { $0.map(Self.field).joined(separator: ",") + "\n" }.joined()
    }

    private static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}
