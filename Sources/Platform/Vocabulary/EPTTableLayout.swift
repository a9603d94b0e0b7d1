/// Where the paging-structure pages of an EPT (or of a device's IOMMU tables, in the same
/// format) lie when they are built in a declared region (docs/machine.md, "Layout"): the root
/// at the first free page, further tables in the order the walks of its leaves first need
/// them; the EPTs and IOMMU tables placed in one region share its pages, in the order
/// partitions, their VTLs, then devices are declared. Each VTL's leaves come from its
/// mappings in order, cut where a protection a higher VTL places begins or ends (4-KiB leaves
/// at the ragged ends of a larger page, none where no right survives).
///
/// This is a convention both sides read: the machine builds its tables this way, and the
/// checker names the entry a remap rewrites (and the page an attacker must write) from it.
public struct EPTTableLayout: Sendable {
    /// One entry of a table: a present leaf, or an empty slot of a page table (level 1).
    public struct Entry: Hashable, Sendable {
        /// The host-physical address of the 8-byte entry.
        public var address: UInt64
        /// 1 for a page table, 2 for a page directory, 3 for a PDPT.
        public var level: Int
        /// The first guest-physical address it translates, and how many bytes.
        public var gpa: UInt64
        public var span: UInt64
        /// Whether a leaf is present (false: an empty page-table slot).
        public var present: Bool
    }

    /// The root table (PML4).
    public let root: UInt64
    /// The table a non-leaf entry points to, by the entry's address.
    private var children: [UInt64: UInt64] = [:]
    /// For each table holding leaves: the slots (0..<512) that hold one, as a 512-bit set.
    private var leafSlots: [UInt64: [UInt64]] = [:]
    /// Every table: its level (4 = root … 1 = page table) and the first guest-physical address it translates.
    private var levelOf: [UInt64: (level: Int, gpa: UInt64)] = [:]

    private static func shift(_ level: Int) -> UInt64 { UInt64(12 + 9 * (level - 1)) }

    private static func entryAddress(_ table: UInt64, _ gpa: UInt64, _ level: Int) -> UInt64 {
        table | (((gpa >> shift(level)) & 0x1FF) << 3)
    }

    init(root: UInt64) {
        self.root = root
        levelOf[root] = (4, 0)
    }

    /// Adds the leaves of `[gpa, gpa + size)` with leaves of `leafLevel`, taking tables from
    /// `allocate`; false when the pages run out or a large leaf is in the way (the machine
    /// then fails to build).
    mutating func map(gpa: UInt64, size: UInt64, leafLevel: Int, allocate: () -> UInt64?) -> Bool {
        let page: UInt64 = 1 << Self.shift(leafLevel)
        guard size > 0, (gpa | size) & (page - 1) == 0, gpa < 1 << 48, size <= (1 << 48) - gpa else { return false }
        var offset: UInt64 = 0
        while offset < size {
            let address = gpa + offset
            var table = root
            for level in stride(from: 4, to: leafLevel, by: -1) {
                let entry = Self.entryAddress(table, address, level)
                if let child = children[entry] {
                    table = child
                    continue
                }
                if leafSlots[table].map({ Self.has($0, Int((entry & 0xFFF) >> 3)) }) == true { return false }
                guard let fresh = allocate() else { return false }
                children[entry] = fresh
                let span: UInt64 = 1 << Self.shift(level)
                levelOf[fresh] = (level - 1, address & ~(span - 1))
                table = fresh
            }
            // The leaves this table holds from here, at most to its end.
            let slot = Int((address >> Self.shift(leafLevel)) & 0x1FF)
            let count = min(UInt64(512 - slot), (size - offset) / page)
            var bits = leafSlots[table] ?? Array(repeating: 0, count: 8)
            for s in slot..<slot + Int(count) {
                if children[table | UInt64(s) << 3] != nil { return false }
                bits[s / 64] |= 1 << UInt64(s % 64)
            }
            leafSlots[table] = bits
            offset += count * page
        }
        return true
    }

    private static func has(_ bits: [UInt64], _ slot: Int) -> Bool { bits[slot / 64] & (1 << UInt64(slot % 64)) != 0 }

    /// The entry a remap of `gpa` rewrites: the present leaf that translates it, at any level, or
    /// the empty page-table slot where the walk ends; nil when the walk stops higher up.
    public func entry(for gpa: UInt64) -> Entry? {
        guard gpa < 1 << 48 else { return nil }
        var table = root
        for level in stride(from: 4, through: 1, by: -1) {
            let address = Self.entryAddress(table, gpa, level)
            let span: UInt64 = 1 << Self.shift(level)
            if let child = children[address] {
                table = child
                continue
            }
            let present = leafSlots[table].map { Self.has($0, Int((address & 0xFFF) >> 3)) } ?? false
            guard present || level == 1 else { return nil }
            return Entry(address: address, level: level, gpa: gpa & ~(span - 1), span: span, present: present)
        }
        return nil
    }

    /// The entries a remap may rewrite whose address lies in `range` (present leaves, and every
    /// slot of a page table), lowest address first.
    public func entries(in range: Range<UInt64>) -> [Entry] {
        var result: [Entry] = []
        for (table, info) in levelOf.sorted(by: { $0.key < $1.key }) where table < range.upperBound && table + 0x1000 > range.lowerBound {
            let span: UInt64 = 1 << Self.shift(info.level)
            let bits = leafSlots[table] ?? Array(repeating: 0, count: 8)
            for slot in 0..<512 {
                let address = table | UInt64(slot) << 3
                guard range.contains(address), children[address] == nil else { continue }
                let present = Self.has(bits, slot)
                guard present || info.level == 1 else { continue }
                result.append(Entry(address: address, level: info.level, gpa: info.gpa + UInt64(slot) * span, span: span, present: present))
            }
        }
        return result
    }
}

extension EPTTableLayout {
    /// The layouts of every EPT and IOMMU table set built in a declared region, by the VTL or
    /// device (`.device(name)`) it translates for. A set whose region cannot hold it (the
    /// machine fails to build then) and tables in hidden memory are left out.
    public static func layouts(of platform: Platform) -> [Principal: EPTTableLayout] {
        var cursors: [String: UInt64] = [:]
        var result: [Principal: EPTTableLayout] = [:]
        func build(_ regionName: String?, _ pieces: [(gpa: UInt64, size: UInt64, level: Int)]) -> EPTTableLayout? {
            guard let name = regionName, let region = platform.region(named: name), region.base & 0xFFF == 0 else { return nil }
            let end = region.base + (region.size & ~0xFFF)
            var next = cursors[name] ?? region.base
            defer { cursors[name] = next }
            func allocate() -> UInt64? {
                guard next < end else { return nil }
                defer { next += 0x1000 }
                return next
            }
            guard let root = allocate() else { return nil }
            var layout = EPTTableLayout(root: root)
            for piece in pieces {
                guard layout.map(gpa: piece.gpa, size: piece.size, leafLevel: piece.level, allocate: allocate) else { return nil }
            }
            return layout
        }
        for partition in platform.partitions {
            for vtl in partition.vtls {
                let layout = build(vtl.eptRegion, leaves(of: vtl, in: partition))
                result[.vtl(partition: partition.name, level: vtl.level)] = layout
            }
        }
        for device in platform.devices where device.iommu {
            result[.device(device.name)] = build(device.iommuRegion, device.mappings.map { ($0.gpa, $0.size, level($0.pageSize)) })
        }
        return result
    }

    private static func level(_ size: PageSize) -> Int {
        switch size {
        case .size4K: 1
        case .size2M: 2
        case .size1G: 3
        }
    }

    /// A VTL's leaves in build order: each mapping cut at every edge of a mapping or protection
    /// inside it; on each piece the last mapping and the last protection covering it apply.
    static func leaves(of vtl: VTL, in partition: Partition) -> [(gpa: UInt64, size: UInt64, level: Int)] {
        var protections: [(gpa: UInt64, end: UInt64, permissions: Permissions)] = []
        for higher in partition.vtls where higher.level > vtl.level {
            for p in higher.protections[vtl.level] ?? [] where p.size > 0 {
                let (end, overflow) = p.gpa.addingReportingOverflow(p.size)
                guard !overflow, end <= 1 << 48 else { continue }
                protections.append((p.gpa & ~0xFFF, (end + 0xFFF) & ~0xFFF, p.permissions))
            }
        }
        let all: Permissions = [.read, .write, .execute, .userExecute]
        // Every edge of a mapping or protection, and for each piece between two edges the last
        // mapping and the last protection covering it (one sweep, not one scan per mapping).
        let edges = Array(Set(vtl.mappings.flatMap { [$0.gpa, $0.gpaEnd] } + protections.flatMap { [$0.gpa, $0.end] })).sorted()
        let layers = lastCovering(vtl.mappings.map { ($0.gpa, $0.gpaEnd) }, edges)
        let masks = lastCovering(protections.map { ($0.gpa, $0.end) }, edges)
        var result: [(gpa: UInt64, size: UInt64, level: Int)] = []
        func piece(_ low: UInt64, _ high: UInt64, layer: Mapping?, mask: Permissions) {
            guard let layer, !layer.permissions.intersection(mask).isEmpty else { return }
            let page = layer.pageSize.bytes
            let middleLow = (low + page - 1) & ~(page - 1)
            let middleHigh = high & ~(page - 1)
            if layer.pageSize == .size4K || middleLow >= middleHigh {
                result.append((low, high - low, 1))
                return
            }
            if low < middleLow { result.append((low, middleLow - low, 1)) }
            result.append((middleLow, middleHigh - middleLow, level(layer.pageSize)))
            if middleHigh < high { result.append((middleHigh, high - middleHigh, 1)) }
        }
        for m in vtl.mappings {
            guard m.gpa < m.gpaEnd else {
                // A wrapping mapping: one piece between its ends, as the edges sort.
                guard m.gpa != m.gpaEnd else { continue }
                let low = m.gpaEnd
                piece(low, m.gpa, layer: vtl.mappings.last { $0.gpa <= low && low < $0.gpaEnd },
                      mask: protections.last { $0.gpa <= low && low < $0.end }?.permissions ?? all)
                continue
            }
            var i = lowerBound(of: m.gpa, in: edges)
            while i + 1 < edges.count, edges[i] < m.gpaEnd {
                piece(edges[i], edges[i + 1], layer: layers[i].map { vtl.mappings[$0] }, mask: masks[i].map { protections[$0].permissions } ?? all)
                i += 1
            }
        }
        return result
    }

    /// For each piece `[edges[i], edges[i + 1])`, the index of the last interval that covers it
    /// (every interval's ends are among `edges`). Later intervals paint first; each piece once.
    private static func lastCovering(_ intervals: [(UInt64, UInt64)], _ edges: [UInt64]) -> [Int?] {
        var owner = [Int?](repeating: nil, count: edges.count)
        var next = Array(0...edges.count)
        func unpainted(_ i: Int) -> Int {
            var root = i
            while next[root] != root { root = next[root] }
            var j = i
            while next[j] != root { (next[j], j) = (root, next[j]) }
            return root
        }
        for k in intervals.indices.reversed() where intervals[k].0 < intervals[k].1 {
            var i = unpainted(lowerBound(of: intervals[k].0, in: edges))
            while i + 1 < edges.count, edges[i] < intervals[k].1 {
                owner[i] = k
                next[i] = i + 1
                i = unpainted(i + 1)
            }
        }
        return owner
    }

    /// The index of the first element of sorted `edges` not below `value`.
    private static func lowerBound(of value: UInt64, in edges: [UInt64]) -> Int {
        var (low, high) = (0, edges.count)
        while low < high {
            let mid = (low + high) / 2
            if edges[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
