/// Resolves the names of a parsed file and checks what the grammar cannot: undefined and
/// duplicate names, overlapping regions, mappings outside their region, misaligned large
/// pages, EPT misconfigurations, sizes past 2^52, unknown parameters and principals.
struct Validator {
    let file: SyntaxFile
    var diagnostics: [Diagnostic] = []
    var regionsByName: [String: RegionDecl] = [:]
    var partitionsByName: [String: PartitionDecl] = [:]
    var devicesByName: [String: DeviceDecl] = [:]
    var cpu: CPU

    /// Addresses at or above 2^52 are beyond any x86 physical address (MAXPHYADDR ≤ 52).
    static let addressLimit: UInt64 = 1 << 52

    init(_ file: SyntaxFile) {
        self.file = file
        self.cpu = file.cpu ?? CPU()
    }

    mutating func error(_ location: SourceLocation, _ message: String) {
        diagnostics.append(.error(location, message))
    }

    mutating func warning(_ location: SourceLocation, _ message: String) {
        diagnostics.append(.warning(location, message))
    }

    mutating func validate() -> Platform {
        collectNames()
        var platform = Platform(name: file.name, file: file.location.file, cpu: cpu, location: file.location)
        platform.regions = regions()
        platform.partitions = file.partitions.compactMap { partition($0, regions: platform.regions) }
        if platform.partitions.filter({ $0.kind == .root }).count > 1 {
            let second = file.partitions.filter { $0.kind?.text == "root" }[1]
            error(second.location, "partition '\(second.name.text)' is a second root partition; expected at most one partition of kind root")
        }
        platform.devices = file.devices.compactMap { device($0, regions: platform.regions) }
        platform.hypervisor = hypervisor()
        platform.smm = smm()
        platform.properties = properties()
        return platform
    }

    // MARK: - Names

    private mutating func collectNames() {
        var seen: [String: (String, SourceLocation)] = [:]
        func claim(_ name: Name, as what: String, _ v: inout Validator) -> Bool {
            if ["hypervisor", "smm", "none"].contains(name.text) {
                v.error(name.location, "'\(name.text)' is reserved; expected another name for this \(what)")
                return false
            }
            if let (other, location) = seen[name.text] {
                v.error(name.location, "duplicate name '\(name.text)': a \(other) of that name is declared at \(location); expected a unique name for this \(what)")
                return false
            }
            seen[name.text] = (what, name.location)
            return true
        }
        for r in file.regions where claim(r.name, as: "region", &self) { regionsByName[r.name.text] = r }
        for p in file.partitions where claim(p.name, as: "partition", &self) { partitionsByName[p.name.text] = p }
        for d in file.devices where claim(d.name, as: "device", &self) { devicesByName[d.name.text] = d }
    }

    /// Every principal name a model may use.
    var principalNames: [String] {
        var names = ["hypervisor", "smm"]
        for p in file.partitions {
            names.append(p.name.text)
            let levels = p.vtls.isEmpty ? [0] : p.vtls.map(\.level)
            names += levels.map { "\(p.name.text).vtl\($0)" }
        }
        return names + file.devices.map(\.name.text)
    }

    /// Resolves a principal name: `hypervisor`, `smm`, a partition (its VTL 0), `P.vtlN`, or a device.
    mutating func principal(_ name: Name, _ role: String) -> Principal? {
        switch Parser.syntacticPrincipal(name.text) {
        case .hypervisor: return .hypervisor
        case .smm: return .smm
        case .device: return nil
        case .vtl(let p, let level):
            if let partition = partitionsByName[p] {
                let levels = partition.vtls.isEmpty ? [0] : partition.vtls.map(\.level)
                if levels.contains(level) { return .vtl(partition: p, level: level) }
                error(name.location, "partition '\(p)' has no VTL \(level); expected one of \(levels.map { "\(p).vtl\($0)" }.joined(separator: ", "))")
                return nil
            }
            if level == 0, name.text == p, devicesByName[p] != nil { return .device(p) }
            error(name.location, "unknown principal '\(name.text)' as \(role); expected a partition, 'PARTITION.vtlN', 'hypervisor', 'smm' or a device\(suggestion(name.text, among: principalNames))")
            return nil
        }
    }

    /// Looks up a region by name, reporting an unknown one.
    mutating func regionNamed(_ name: Name, _ role: String) -> RegionDecl? {
        if let r = regionsByName[name.text] { return r }
        error(name.location, "unknown region '\(name.text)' as \(role); expected a declared region\(suggestion(name.text, among: Array(regionsByName.keys)))")
        return nil
    }

    /// Checks that a structure's region exists and is of the kind that holds it.
    mutating func place(_ placement: Placement) {
        guard let region = regionNamed(placement.region, "the home of \(placement.what)") else { return }
        if let kind = region.kind, kind.text != placement.kind.rawValue {
            error(placement.region.location, "region '\(region.name.text)' holds \(placement.what) but is of kind \(kind.text); expected kind \(placement.kind.rawValue)")
        } else if region.kind == nil {
            error(placement.region.location, "region '\(region.name.text)' holds \(placement.what) but declares no kind; expected 'kind \(placement.kind.rawValue)'")
        }
    }

    // MARK: - Regions

    private mutating func regions() -> [Region] {
        var result: [Region] = []
        for decl in file.regions where regionsByName[decl.name.text]?.location == decl.location {
            var kind = RegionKind.data
            if let k = decl.kind {
                if let parsed = RegionKind(rawValue: k.text) {
                    kind = parsed
                } else {
                    error(k.location, "unknown region kind '\(k.text)'; expected one of \(RegionKind.allCases.map(\.rawValue).joined(separator: ", "))\(suggestion(k.text, among: RegionKind.allCases.map(\.rawValue)))")
                }
            }
            var owner: Principal?
            if let o = decl.owner, o.text != "none" {
                owner = principal(o, "the owner of region '\(decl.name.text)'")
                if case .device = owner, kind != .mmio {
                    // A device may own its MMIO BARs; other memory it owns is still memory.
                }
            }
            if decl.size == 0 {
                error(decl.location, "region '\(decl.name.text)' has size 0; expected a positive size")
                continue
            }
            let (end, overflow) = decl.base.addingReportingOverflow(decl.size)
            if overflow || end > Validator.addressLimit {
                error(decl.location, "region '\(decl.name.text)' ends past 2^52 (base \(hex(decl.base)) + size \(hex(decl.size))); expected a range below 0x10000000000000, the largest physical address space")
                continue
            }
            if end > 1 << UInt64(cpu.maxPhysAddr) {
                error(decl.location, "region '\(decl.name.text)' ends at \(hex(end)), past MAXPHYADDR \(cpu.maxPhysAddr) (\(hex(1 << UInt64(cpu.maxPhysAddr)))); expected a range below it or a larger 'maxphyaddr' in the cpu block")
                continue
            }
            result.append(Region(name: decl.name.text, base: decl.base, size: decl.size, owner: owner, kind: kind, isSecret: decl.secret, location: decl.location))
        }
        result.sort { ($0.base, $0.name) < ($1.base, $1.name) }
        for (a, b) in zip(result, result.dropFirst()) where b.base < a.end {
            let later = a.location < b.location ? b : a
            let earlier = a.location < b.location ? a : b
            error(later.location, "region '\(later.name)' [\(hex(later.base)), \(hex(later.end))) overlaps region '\(earlier.name)' [\(hex(earlier.base)), \(hex(earlier.end))) declared at \(earlier.location); expected disjoint regions")
        }
        return result
    }
}

/// ", did you mean 'x'?" when a known name is within a small edit distance.
func suggestion(_ text: String, among candidates: [String]) -> String {
    let scored = candidates.map { ($0, editDistance(text, $0)) }.filter { $0.1 <= max(2, text.count / 3) }
    guard let best = scored.min(by: { ($0.1, $0.0) < ($1.1, $1.0) }) else { return "" }
    return " (did you mean '\(best.0)'?)"
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars)
    let b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var row = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = row
    }
    return previous[b.count]
}
