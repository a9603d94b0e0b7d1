/// One dimension of a sweep: a configuration knob and the values it takes, as written on
/// the command line (`smm.smrr=on,off`, `io.guest1.0xB2=pass,exit`, `map.root.vtl0.1=rw,rwx`).
public struct SweepSpec: Hashable, Sendable, CustomStringConvertible {
    /// What a dimension changes.
    public enum Knob: Hashable, Sendable {
        case smrr, smmLock, smmCodeCheck, tsegDMAProtection, scrubOnFree
        /// The I/O-bitmap bit of one port in a VTL's VMCS.
        case io(partition: String, level: Int, port: UInt32)
        /// The rights of the `index`-th (0-based, in model order) mapping of a VTL.
        case map(partition: String, level: Int, index: Int)
    }

    /// A value of a knob.
    public enum Value: Hashable, Sendable {
        case flag(Bool)
        case port(PortAction)
        case rights(Permissions)
    }

    /// The knob as written, before `=`.
    public var key: String
    public var knob: Knob
    /// The values as written, in order.
    public var texts: [String]
    public var values: [Value]

    public var description: String { "\(key)=\(texts.joined(separator: ","))" }

    /// Parses `KEY=V1,V2,…`.
    ///
    /// - Throws: `SweepError` naming what was expected.
    public init(parsing text: String) throws(SweepError) {
        guard let equals = text.firstIndex(of: "=") else {
            throw SweepError("'\(text)': expected KEY=VALUE,VALUE… (e.g. smm.smrr=on,off)")
        }
        key = String(text[..<equals])
        texts = text[text.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !texts.isEmpty, !texts.contains(where: \.isEmpty) else { throw SweepError("'\(text)': expected one or more comma-separated values after '='") }
        guard Set(texts).count == texts.count else { throw SweepError("'\(text)': a value is repeated") }
        let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        switch key {
        case "smm.smrr": knob = .smrr
        case "smm.lock": knob = .smmLock
        case "smm.code-check": knob = .smmCodeCheck
        case "smm.tseg-dma-protection": knob = .tsegDMAProtection
        case "hypervisor.scrub-on-free": knob = .scrubOnFree
        default:
            guard parts.count == 3 || parts.count == 4, parts[0] == "io" || parts[0] == "map" else {
                throw SweepError("unknown sweep key '\(key)'; expected smm.smrr, smm.lock, smm.code-check, smm.tseg-dma-protection, hypervisor.scrub-on-free, io.PARTITION[.vtlN].PORT or map.PARTITION[.vtlN].INDEX")
            }
            var level = 0
            if parts.count == 4 {
                guard parts[2].hasPrefix("vtl"), let l = Int(parts[2].dropFirst(3)) else { throw SweepError("'\(key)': expected vtlN after the partition, found '\(parts[2])'") }
                level = l
            }
            let last = parts[parts.count - 1]
            if parts[0] == "io" {
                guard let port = Self.number(last), port <= 0xFFFF else { throw SweepError("'\(key)': expected an I/O port 0x0–0xFFFF, found '\(last)'") }
                knob = .io(partition: parts[1], level: level, port: UInt32(port))
            } else {
                guard let index = Int(last), index >= 0 else { throw SweepError("'\(key)': expected a 0-based mapping index, found '\(last)'") }
                knob = .map(partition: parts[1], level: level, index: index)
            }
        }
        var values: [Value] = []
        for t in texts {
            switch knob {
            case .smrr, .smmLock, .smmCodeCheck, .tsegDMAProtection, .scrubOnFree:
                guard t == "on" || t == "off" else { throw SweepError("'\(key)': expected on or off, found '\(t)'") }
                values.append(.flag(t == "on"))
            case .io:
                guard let action = PortAction(rawValue: t) else { throw SweepError("'\(key)': expected pass or exit, found '\(t)'") }
                values.append(.port(action))
            case .map:
                guard let rights = Permissions(text: t) else { throw SweepError("'\(key)': expected rights such as r, rw, r-x, rwxu or none, found '\(t)'") }
                values.append(.rights(rights))
            }
        }
        self.values = values
    }

    private static func number(_ text: String) -> UInt64? {
        let t = text.lowercased().replacing("_", with: "")
        return t.hasPrefix("0x") ? UInt64(t.dropFirst(2), radix: 16) : UInt64(t)
    }
}

/// A sweep specification that does not parse or does not fit the model.
public struct SweepError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
