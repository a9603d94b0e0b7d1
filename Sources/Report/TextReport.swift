import Platform

/// Renders results for people: one line per property, the witness or the reason underneath.
public struct TextReport {
    /// Whether to use ANSI colours (only on a terminal, never with NO_COLOR).
    public var color: Bool
    /// Whether each property's line ends with the seconds it took (off for reproducible output).
    public var timings: Bool

    public init(color: Bool = false, timings: Bool = true) {
        self.color = color
        self.timings = timings
    }

    /// The report of one model run: its diagnostics when it did not load.
    public func render(_ run: ModelRun) -> String {
        guard let platform = run.platform else { return run.diagnostics.map(\.description).joined(separator: "\n") + "\n" }
        return render(platform: platform, results: run.results, warnings: run.diagnostics)
    }

    /// The report of one model file.
    public func render(platform: Platform, results: [PropertyResult], warnings: [Diagnostic] = []) -> String {
        var out = "\(platform.file): platform \"\(platform.name)\" — \(count(platform.regions.count, "region")), \(count(platform.partitions.count, "partition")), \(count(platform.devices.count, "device"))\n"
        for warning in warnings {
            out += "  \(paint(warning.description, .yellow))\n"
        }
        if results.isEmpty {
            out += "  (no properties)\n"
        }
        let width = min(60, results.map { platform.claim($0.property).count + $0.property.name.count }.max() ?? 0)
        for result in results {
            out += line(result, platform: platform, width: width)
        }
        return out
    }

    /// `N properties: a proved, b attacks, c unknown`.
    public func summary(_ results: [PropertyResult]) -> String {
        let proved = results.filter { $0.verdict.word == "proved" }.count
        let attacks = results.filter { $0.verdict.word == "attack" }.count
        let unknown = results.filter { $0.verdict.word == "unknown" }.count
        return "\(results.count) \(results.count == 1 ? "property" : "properties"): \(proved) proved, \(attacks) \(attacks == 1 ? "attack" : "attacks"), \(unknown) unknown"
    }

    private func line(_ result: PropertyResult, platform: Platform, width: Int) -> String {
        let claim = platform.claim(result.property)
        let title = claim == result.property.name || result.property.isStandard ? claim : "\(result.property.name): \(claim)"
        let padded = timings ? title + String(repeating: " ", count: max(0, width + 2 - title.count)) : title
        let time = timings ? "  " + format3(result.seconds) + " s" : ""
        var out: String
        switch result.verdict {
        case .proved(let certificate):
            out = "  \(paint("proved ", .green))  \(padded)\(time)\n"
            for fact in certificate.blockingFacts.prefix(8) {
                out += "           blocked by: \(fact)\n"
            }
            if certificate.blockingFacts.count > 8 {
                out += "           … and \(certificate.blockingFacts.count - 8) more facts\n"
            }
        case .attack(let trace):
            out = "  \(paint("attack ", .red))  \(padded)\(time)\n"
            for (i, step) in trace.steps.enumerated() {
                out += "           \(i + 1). \(describe(step, platform: platform))\n"
            }
            switch result.validation {
            case .confirmed(let evidence)?:
                out += "           confirmed by replay on the concrete machine\n"
                for e in evidence { out += "             \(e)\n" }
            case .refuted(let step, let reason)?:
                out += "           \(paint("REFUTED", .red)) by the concrete machine at step \(step + 1): \(reason)\n"
            case nil:
                out += "           not replayed on the concrete machine\n"
            }
        case .unknown(let reason):
            out = "  \(paint("unknown", .yellow))  \(padded)\(time)\n"
            out += "           \(reason)\n"
        }
        return out
    }

    private func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    private enum Colour: String {
        case red = "31", green = "32", yellow = "33"
    }

    private func paint(_ text: String, _ colour: Colour) -> String {
        color ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    private func format3(_ seconds: Double) -> String {
        let millis = Int((seconds * 1000).rounded())
        let frac = String(millis % 1000)
        return "\(millis / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac)"
    }
}
