import Platform

extension PlatformMachine {
    /// Builds the machine a platform describes (docs/machine.md, "Layout"):
    /// - every region filled with its own pattern (``PatternCatalog``);
    /// - each VTL's EPT built with ``EPTBuilder`` in its `ept in` region, root at the
    ///   region's base (``Layout/eptRoot(of:in:)``), or in hidden memory below
    ///   2^MAXPHYADDR; leaves of the declared page size with the declared rights AND the
    ///   protections higher VTLs place (split to 4 KiB where a protection cuts a leaf);
    /// - a VMCS per VTL at its `vmcs in` region's base with real controls, EPTP, I/O and
    ///   MSR bitmaps, EPTP list, VMREAD/VMWRITE bitmaps and MSR areas in memory;
    /// - IOMMU second-level tables per device, in the EPT entry format;
    /// - SMRAMC, SMRR, SMM_FEATURE_CONTROL and the MTRRs.
    ///
    /// - Throws: ``MachineBuildError`` when a structure does not fit where the model puts it.
    public init(platform: Platform) throws(MachineBuildError) {
        self.platform = platform
        patterns = PatternCatalog(platform: platform)
        origins = ByteOrigins(regions: platform.regions)
        evaluator = ExpressionEvaluator(platform: platform)
        hidden = HiddenMemory(platform: platform)
        cpu = VMXCPU(capabilities: Self.capabilities(of: platform.cpu))
        if platform.cpu.errata.contains(.msrLoadShutdown) { cpu.errata.insert(.skl031) }
        cpu.existingMSRs = MSRSet(MSRCatalog.architectural + platform.cpu.extraMSRs.map { $0...$0 })
        chipset = Chipset(smramc: 0, tsegDMAProtection: false, codeCheck: false)
        for region in platform.regions {
            memory.fillPeriodic(region.base, count: region.size, pattern: patterns.pattern(ofRegion: region.name)!.value)
        }
        vmxonRegion = try hiddenPages(1)
        VMCSRegion.initialize(at: vmxonRegion, revision: cpu.capabilities.revision, in: &memory)
        precondition(cpu.vmxon(vmxonRegion, memory: memory) == .succeed, "VMXON of the hidden region failed")
        setUpSMM()

        var pools: [String: PageRegionAllocator] = [:]
        var tables: [Principal: EPTTables] = [:]
        for partition in platform.partitions {
            for vtl in partition.vtls {
                let principal = Principal.vtl(partition: partition.name, level: vtl.level)
                tables[principal] = try buildEPT(vtl, of: partition, pools: &pools)
            }
        }
        var vmcsUse: [String: Int] = [:]
        var index = 0
        for partition in platform.partitions {
            for vtl in partition.vtls {
                let principal = Principal.vtl(partition: partition.name, level: vtl.level)
                index += 1
                processors[principal] = try buildProcessor(
                    principal, vtl: vtl, partition: partition, tables: tables, vpid: index, vmcsUse: &vmcsUse)
            }
        }
        for device in platform.devices {
            devices[device.name] = DeviceState(device: device, tables: try buildIOMMU(device, pools: &pools))
        }
    }

    /// The VMX capabilities of a `.moat` CPU: ``VMXCapabilities/modern`` with the model's
    /// MAXPHYADDR, EPT features (execute-only, 2M, 1G, A/D) and secondary controls
    /// (MBEC, VM functions, VMCS shadowing) allowed only when the CPU has them.
    public static func capabilities(of cpu: CPU) -> VMXCapabilities {
        var caps = VMXCapabilities.modern
        caps.maxPhysicalAddressWidth = cpu.maxPhysAddr
        var ept = EPTCapabilities(msr: caps.eptVPID, maxPhysicalAddressWidth: cpu.maxPhysAddr)
        ept.executeOnly = cpu.executeOnlyEPT
        ept.pages2M = cpu.pages2M
        ept.pages1G = cpu.pages1G
        ept.accessedDirty = cpu.eptAccessedDirty
        caps.eptVPID = ept.msr
        var allowed1 = UInt32(truncatingIfNeeded: caps.secondaryProcessorBased >> 32)
        for (bit, present) in [(22, cpu.mbec), (13, cpu.vmfunc), (14, cpu.vmcsShadowing)] where !present {
            allowed1 &= ~(1 << UInt32(bit))
        }
        caps.secondaryProcessorBased = VMXCapabilities.control(
            lo: UInt32(truncatingIfNeeded: caps.secondaryProcessorBased), hi: allowed1)
        caps.vmFunctions = cpu.vmfunc ? 1 : 0
        return caps
    }

    // MARK: - Memory for structures

    /// `pages` pages of hidden memory (zeroed: hidden memory has no pattern).
    mutating func hiddenPages(_ pages: Int) throws(MachineBuildError) -> UInt64 {
        guard let pool = hidden.carve(pages: pages) else { throw .noHiddenMemory(pages: pages) }
        return pool.base
    }

    /// The region a structure lives in, checked to be large enough, or hidden pages.
    mutating func place(_ what: String, in regionName: String?, size: UInt64, align: UInt64 = 0x1000)
        throws(MachineBuildError) -> UInt64
    {
        guard let name = regionName, let region = platform.region(named: name) else {
            return try hiddenPages(Int((size + 0xFFF) / 0x1000))
        }
        guard region.size >= size else {
            throw .doesNotFit(what: what, region: name, needed: size, size: region.size)
        }
        return region.base
    }

    /// A page allocator over a region (shared by every structure placed there).
    func pool(for name: String, pools: [String: PageRegionAllocator], what: String) throws(MachineBuildError)
        -> PageRegionAllocator
    {
        if let pool = pools[name] { return pool }
        let region = platform.region(named: name)!
        do {
            return try PageRegionAllocator(base: region.base, size: region.size & ~0xFFF)
        } catch {
            throw .doesNotFit(what: "\(what) (4-KiB-aligned tables)", region: name, needed: 0x1000, size: region.size)
        }
    }

    /// Hidden pages for paging structures: what the mappings need plus room for the
    /// tables later effects add (enough for a 4-GiB `map` of 4-KiB leaves when the address
    /// space has room; hidden pages cost nothing until written).
    mutating func hiddenTablePool(_ pages: Int) throws(MachineBuildError) -> PageRegionAllocator {
        if let pool = hidden.carve(pages: pages + 4096) ?? hidden.carve(pages: pages) { return pool }
        throw .noHiddenMemory(pages: pages)
    }

    /// An upper bound of the table pages a set of mappings needs, plus room to grow.
    static func tablePages(for mappings: [Mapping], splits: Bool) -> Int {
        var pages = 1 + 64
        for m in mappings {
            pages += Int(m.size >> 39) + 2
            if m.pageSize != .size1G || splits { pages += Int(m.size >> 30) + 2 }
            if m.pageSize == .size4K || splits { pages += Int(m.size >> 21) + 2 }
        }
        return pages
    }

    // MARK: - EPT

    static func ept(_ p: Permissions) -> EPTPermissions {
        var e: EPTPermissions = []
        if p.contains(.read) { e.insert(.read) }
        if p.contains(.write) { e.insert(.write) }
        if p.contains(.execute) { e.insert(.execute) }
        if p.contains(.userExecute) { e.insert(.userExecute) }
        return e
    }

    static func eptPageSize(_ size: PageSize) -> EPTPageSize {
        switch size {
        case .size4K: .size4K
        case .size2M: .size2M
        case .size1G: .size1G
        }
    }

    /// The protections higher VTLs of `partition` declare on VTL `level`, page-rounded outward.
    static func declaredProtections(on level: Int, in partition: Partition) -> [Protection] {
        partition.vtls.filter { $0.level > level }.flatMap { higher in
            (higher.protections[level] ?? []).compactMap { p in
                pageRounded(gpa: p.gpa, size: p.size).map {
                    Protection(gpa: $0.gpa, size: $0.size, permissions: p.permissions, setter: higher.level)
                }
            }
        }
    }

    /// `[gpa, gpa + size)` widened to whole 4-KiB pages, or nil when empty or past 2^48.
    static func pageRounded(gpa: UInt64, size: UInt64) -> (gpa: UInt64, size: UInt64)? {
        guard size > 0 else { return nil }
        let (end, overflow) = gpa.addingReportingOverflow(size)
        guard !overflow, end <= 1 << 48 else { return nil }
        let low = gpa & ~0xFFF
        let high = (end + 0xFFF) & ~0xFFF
        return (low, high - low)
    }

    private mutating func buildEPT(_ vtl: VTL, of partition: Partition, pools: inout [String: PageRegionAllocator])
        throws(MachineBuildError) -> EPTTables
    {
        let owner = "\(partition.name).vtl\(vtl.level)"
        let protections = Self.declaredProtections(on: vtl.level, in: partition)
        let allocator: PageRegionAllocator
        if let name = vtl.eptRegion {
            allocator = try pool(for: name, pools: pools, what: "the EPT of \(owner)")
        } else {
            allocator = try hiddenTablePool(Self.tablePages(for: vtl.mappings, splits: !protections.isEmpty))
        }
        do {
            var builder = try EPTBuilder(allocator: allocator, memory: &memory)
            let layers = vtl.mappings.map {
                Layer(gpa: $0.gpa, size: $0.size, hpa: $0.hpa, permissions: $0.permissions, pageSize: $0.pageSize)
            }
            for layer in layers {
                for segment in Self.segments(layer.gpa, layer.end, layers: layers, protections: protections) {
                    for piece in Self.pieces(of: segment) { try builder.map(piece, in: &memory) }
                }
            }
            if let name = vtl.eptRegion { pools[name] = builder.allocator }
            return EPTTables(builder: builder, pages2M: platform.cpu.pages2M, pages1G: platform.cpu.pages1G)
        } catch {
            throw .tables(owner: owner, region: vtl.eptRegion, error)
        }
    }

    private mutating func buildIOMMU(_ device: Device, pools: inout [String: PageRegionAllocator])
        throws(MachineBuildError) -> EPTTables?
    {
        guard device.iommu else { return nil }
        let owner = "device '\(device.name)'"
        let allocator: PageRegionAllocator
        if let name = device.iommuRegion {
            allocator = try pool(for: name, pools: pools, what: "the IOMMU tables of \(owner)")
        } else {
            allocator = try hiddenTablePool(Self.tablePages(for: device.mappings, splits: false))
        }
        do {
            var builder = try EPTBuilder(allocator: allocator, memory: &memory)
            for m in device.mappings {
                // IOMMU second-level entries in the EPT format (Moat's simplification); DMA has R and W only.
                try builder.map(EPTMapping(gpa: m.gpa, hpa: m.hpa, size: m.size,
                                           permissions: Self.ept(m.permissions.intersection([.read, .write])),
                                           pageSize: Self.eptPageSize(m.pageSize)), in: &memory)
            }
            if let name = device.iommuRegion { pools[name] = builder.allocator }
            return EPTTables(builder: builder, pages2M: platform.cpu.pages2M, pages1G: platform.cpu.pages1G)
        } catch {
            throw .tables(owner: owner, region: device.iommuRegion, error)
        }
    }

    // MARK: - VMCS

    private mutating func buildProcessor(
        _ principal: Principal, vtl: VTL, partition: Partition, tables: [Principal: EPTTables], vpid: Int,
        vmcsUse: inout [String: Int]
    ) throws(MachineBuildError) -> VirtualProcessor {
        let config = vtl.vmcs
        let caps = cpu.capabilities
        let owner = "\(principal)"
        // The VMCS: the base of its region; a VTL that inherits the partition's VMCS
        // region from another VTL takes the next page (docs/machine.md).
        var address: UInt64
        if let name = config.region, let region = platform.region(named: name) {
            let use = vmcsUse[name, default: 0]
            vmcsUse[name] = use + 1
            address = region.base + UInt64(use) * 0x1000
            if region.base & 0xFFF != 0 {
                throw .doesNotFit(what: "the VMCS of \(owner) (4-KiB aligned)", region: name, needed: 0x1000, size: region.size)
            }
            if UInt64(use + 1) * 0x1000 > region.size { address = try hiddenPages(1) }
        } else {
            address = try hiddenPages(1)
        }
        VMCSRegion.initialize(at: address, revision: caps.revision, in: &memory)
        precondition(cpu.vmclear(address) == .succeed && cpu.vmptrld(address, memory: memory) == .succeed,
                     "VMCLEAR/VMPTRLD of \(owner)'s VMCS failed")
        var vmcs = cpu.vmcs
        // Controls: the model's values with the default-1 bits the capability MSRs demand.
        func low(_ msr: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: msr) }
        vmcs[.pinBasedControls] = UInt64(config.value(.pin) | low(caps.effectivePinBased))
        vmcs[.primaryProcessorControls] = UInt64(config.value(.primary) | low(caps.effectiveProcessorBased))
        vmcs[.secondaryProcessorControls] = UInt64(config.value(.secondary) | low(caps.secondaryProcessorBased))
        vmcs[.exitControls] = UInt64(config.value(.exit) | low(caps.effectiveExit))
        vmcs[.entryControls] = UInt64(config.value(.entry) | low(caps.effectiveEntry))
        vmcs[.vpid] = UInt64(vpid)
        let own = tables[principal]!
        vmcs[.eptPointer] = Layout.eptp(root: own.root)
        vmcs[.vmcsLinkPointer] = ~0

        if config.ioBitmapRegion != nil || config.primary(VMXControls.primaryUseIOBitmaps) {
            let base = try place("the I/O bitmaps of \(owner)", in: config.ioBitmapRegion, size: 0x2000)
            let bitmaps = IOBitmaps(bitmapA: base, bitmapB: base + Layout.ioBitmapBOffset)
            bitmaps.setAll(config.ioDefault == .exit, in: &memory)
            for rule in config.ioRules {
                bitmaps.setExiting(ports: UInt16(rule.low)...UInt16(rule.high), rule.action == .exit, in: &memory)
            }
            vmcs[.ioBitmapA] = bitmaps.bitmapA
            vmcs[.ioBitmapB] = bitmaps.bitmapB
        }
        if config.msrBitmapRegion != nil || config.primary(VMXControls.primaryUseMSRBitmaps) {
            let base = try place("the MSR bitmap of \(owner)", in: config.msrBitmapRegion, size: 0x1000)
            let bitmap = MSRBitmap(address: base)
            bitmap.setAll(config.msrDefault == .exit, in: &memory)
            for rule in config.msrRules {
                for covered in [UInt32(0)...0x1FFF, 0xC000_0000...0xC000_1FFF] {
                    guard rule.low <= covered.upperBound, rule.high >= covered.lowerBound else { continue }
                    for msr in max(rule.low, covered.lowerBound)...min(rule.high, covered.upperBound) {
                        let exits = rule.action == .exit
                        bitmap.setExiting(msr, read: rule.access.read ? exits : nil,
                                          write: rule.access.write ? exits : nil, in: &memory)
                    }
                }
            }
            vmcs[.msrBitmap] = base
        }
        if let vmfunc = config.vmfunc {
            let base = try place("the EPTP list of \(owner)", in: vmfunc.eptpListRegion, size: UInt64(8 * vmfunc.entries.count))
            let listSize = min(0x1000, vmfunc.eptpListRegion.flatMap { platform.region(named: $0)?.size } ?? 0x1000)
            memory.fill(base, count: Int(listSize), with: 0)
            for (i, entry) in vmfunc.entries.enumerated() {
                if let t = tables[entry] { memory.write64(Layout.eptp(root: t.root), at: base + 8 * UInt64(i)) }
            }
            vmcs[.vmFunctionControls] = VMFunctionControls.eptpSwitching.rawValue
            vmcs[.eptpListAddress] = base
        }
        var shadowVMCS: UInt64?
        if let shadowing = config.shadowing {
            for (field, region, pass) in [(VMCSField.vmreadBitmap, shadowing.vmreadBitmapRegion, shadowing.vmreadPass),
                                          (.vmwriteBitmap, shadowing.vmwriteBitmapRegion, shadowing.vmwritePass)] {
                let base = try place("the \(field == .vmreadBitmap ? "VMREAD" : "VMWRITE") bitmap of \(owner)", in: region, size: 0x1000)
                memory.fill(base, count: 0x1000, with: 0xFF)  // every field exits …
                for encoding in pass {  // … except those that pass through (bit clear)
                    let bit = UInt64(encoding & 0x7FFF)
                    memory.write8(memory.read8(base + bit / 8) & ~(1 << UInt8(bit % 8)), at: base + bit / 8)
                }
                vmcs[field] = base
            }
            let shadow = try hiddenPages(1)
            VMCSRegion.initialize(at: shadow, revision: caps.revision, shadow: true, in: &memory)
            var data = VMCS()
            data.isShadow = true
            cpu.vmcsData[shadow] = data
            vmcs[.vmcsLinkPointer] = shadow
            shadowVMCS = shadow
        }
        for area in config.msrAreas where !area.entries.isEmpty {
            let size = UInt64(16 * area.entries.count)
            let base = try place("the MSR area of \(owner)", in: area.region, size: size)
            for (i, entry) in area.entries.enumerated() {
                let at = base + 16 * UInt64(i)
                memory.write32(entry.index, at: at)
                memory.write32(0, at: at + 4)
                memory.write64(entry.value, at: at + 8)
            }
            let (addressField, countField): (VMCSField, VMCSField) = switch area.kind {
            case .entryLoad: (.entryMSRLoadAddress, .entryMSRLoadCount)
            case .exitLoad: (.exitMSRLoadAddress, .exitMSRLoadCount)
            case .exitStore: (.exitMSRStoreAddress, .exitMSRStoreCount)
            }
            vmcs[addressField] = base
            vmcs[countField] = UInt64(area.entries.count)
        }
        cpu.vmcs = vmcs
        let layers = vtl.mappings.map {
            Layer(gpa: $0.gpa, size: $0.size, hpa: $0.hpa, permissions: $0.permissions, pageSize: $0.pageSize)
        }
        return VirtualProcessor(principal: principal, vmcs: address, shadowVMCS: shadowVMCS, tables: own,
                                layers: layers, protections: Self.declaredProtections(on: vtl.level, in: partition))
    }

    // MARK: - SMM

    /// SMRAMC, SMRR, SMM_FEATURE_CONTROL, MTRRCAP and the MTRR default type.
    private mutating func setUpSMM() {
        // IA32_MTRRCAP: VCNT 10, fixed ranges, WC, SMRR (bit 11) when supported (DOMAIN.md §5.2).
        cpu.msrValues[0xFE] = 10 | 1 << 8 | 1 << 10 | (platform.cpu.smrrSupported ? 1 << 11 : 0)
        // IA32_MTRR_DEF_TYPE: MTRRs enabled, default type UC.
        cpu.msrValues[0x2FF] = 1 << 11
        guard let smm = platform.smm else { return }
        let smram = smm.smram.flatMap { platform.region(named: $0) }
        chipset.smram = smram
        chipset.smramc = 0b010 | Chipset.globalEnable | (smm.open ? Chipset.dOpen : 0) | (smm.locked ? Chipset.dLock : 0)
        if chipset.isLocked { chipset.smramc &= ~Chipset.dOpen }
        chipset.tsegDMAProtection = smm.tsegDMAProtection
        chipset.codeCheck = smm.codeCheck
        if let smram, smm.smrr, platform.cpu.smrrSupported {
            chipset.smrr = (smram.base, smram.size)
        }
        if let smram {
            // IA32_SMRR_PHYSBASE/PHYSMASK as CHIPSEC reads them (type WB; mask of the
            // smallest power of two covering SMRAM; VALID bit 11 when SMRR is on).
            var size: UInt64 = 0x1000
            while size < smram.size { size <<= 1 }
            cpu.msrValues[0x1F2] = (smram.base & 0xFFFF_F000) | 6
            cpu.msrValues[0x1F3] = (~(size - 1) & 0xFFFF_F000) | (chipset.smrr != nil ? 1 << 11 : 0)
        }
        // MSR 0x4E0 SMM_FEATURE_CONTROL: LOCK (bit 0), SMM_CODE_CHK_EN (bit 2).
        cpu.msrValues[0x4E0] = 1 | (smm.codeCheck ? 1 << 2 : 0)
    }
}
