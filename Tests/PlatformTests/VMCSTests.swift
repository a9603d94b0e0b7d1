import Testing
@testable import Platform

/// The VMCS of partition `g`'s VTL 0, from a `vmcs { … }` body.
private func vmcs(_ body: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> VMCSConfig? {
    valid(platform("partition g {\n vmcs {\n\(body)\n }\n}"), sourceLocation: sourceLocation)?.partitions.first?.vtls.first?.vmcs
}

struct Control: CustomTestStringConvertible, Sendable {
    var field: ControlField
    var name: String
    var bit: Int
    var testDescription: String { "\(field) \(name) (\(bit))" }
}

@Suite("VMCS")
struct VMCSTests {
    @Test func defaultsOfVMCSConfigInit() {
        let d = VMCSConfig()
        #expect(d.value(.pin) == 0)
        #expect(d.value(.primary) == 0x9200_0080)
        #expect(d.value(.secondary) == 0x0000_00A2)
        #expect(d.value(.exit) == 0x200)
        #expect(d.value(.entry) == 0x200)
        #expect(d.eptEnabled && !d.mbecEnabled && !d.vmfuncEnabled && !d.shadowingEnabled)
        #expect(d.ioDefault == .exit && d.msrDefault == .exit)
        #expect(d.ioRules.isEmpty && d.msrRules.isEmpty && d.msrAreas.isEmpty && d.vmfunc == nil && d.shadowing == nil)
        #expect(d.region == nil && d.ioBitmapRegion == nil && d.msrBitmapRegion == nil)
    }

    @Test func aVTLWithoutAVMCSBlockGetsTheDefaults() throws {
        let p = try #require(valid(platform("partition g { }")))
        #expect(p.partitions[0].vtls[0].vmcs == VMCSConfig())
    }

    @Test func fieldEncodings() {
        #expect(ControlField.allCases.map(\.encoding) == [0x4000, 0x4002, 0x401E, 0x400C, 0x4012])
        #expect(ControlField.allCases.map(\.rawValue) == ["pin", "primary", "secondary", "exit-controls", "entry-controls"])
    }

    /// Bit numbers checked against shared/DOMAIN.md §3.6 independently of VMXControls.swift.
    @Test(arguments: [
        (ControlField.pin, "external-interrupt-exiting", 0), (.pin, "nmi-exiting", 3), (.pin, "virtual-nmis", 5),
        (.pin, "preemption-timer", 6), (.pin, "posted-interrupts", 7),
        (.primary, "hlt-exiting", 7), (.primary, "unconditional-io-exiting", 24), (.primary, "use-io-bitmaps", 25),
        (.primary, "monitor-trap-flag", 27), (.primary, "use-msr-bitmaps", 28), (.primary, "activate-secondary-controls", 31),
        (.primary, "activate-tertiary-controls", 17), (.primary, "nmi-window-exiting", 22),
        (.secondary, "enable-ept", 1), (.secondary, "enable-vpid", 5), (.secondary, "unrestricted-guest", 7),
        (.secondary, "enable-vm-functions", 13), (.secondary, "vmcs-shadowing", 14), (.secondary, "enable-pml", 17),
        (.secondary, "mode-based-execute", 22), (.secondary, "sub-page-write-permissions", 23), (.secondary, "instruction-timeout", 31),
        (.exit, "host-address-space-size", 9), (.exit, "acknowledge-interrupt-on-exit", 15), (.exit, "load-efer", 21),
        (.exit, "activate-secondary-exit-controls", 31),
        (.entry, "ia32e-mode-guest", 9), (.entry, "entry-to-smm", 10), (.entry, "deactivate-dual-monitor", 11), (.entry, "load-cet", 20),
    ])
    func bitsMatchTheSDM(field: ControlField, name: String, bit: Int) {
        #expect(field.bits[name] == bit)
    }

    static let everyControl: [Control] = ControlField.allCases.flatMap { field in
        field.bits.sorted { $0.value < $1.value }.map { Control(field: field, name: $0.key, bit: $0.value) }
    }

    @Test(arguments: everyControl)
    func everyControlNameSetsItsBit(control: Control) throws {
        // The secondary controls that need EPT are written with enable-ept, or validation rejects them.
        let withEPT = control.field == .secondary && control.name != "enable-ept"
        let config = try #require(vmcs("\(control.field.rawValue) \(control.name)\(withEPT ? " enable-ept" : "")"))
        let expected: UInt32 = 1 << UInt32(control.bit) | (withEPT ? 1 << 1 : 0)
        #expect(config.value(control.field) == expected)
        #expect(config.settings.first == VMCSConfig.Setting(field: control.field, name: control.name, bit: control.bit, location: config.settings.first!.location))
        for other in ControlField.allCases where other != control.field {
            #expect(config.value(other) == VMCSConfig().value(other), "other fields keep their defaults")
        }
    }

    @Test func aControlLineReplacesTheWholeField() throws {
        let config = try #require(vmcs("primary hlt-exiting rdtsc-exiting\nexit-controls load-efer"))
        #expect(config.value(.primary) == 1 << 7 | 1 << 12)  // use-io/msr-bitmaps and activate-secondary are gone
        #expect(config.value(.exit) == 1 << 21)  // host-address-space-size is gone
        #expect(config.value(.secondary) == VMCSConfig().value(.secondary))
        #expect(!config.eptEnabled)  // secondary controls are off now
        #expect(config.settings.map(\.name) == ["hlt-exiting", "rdtsc-exiting", "load-efer"])
        #expect(config.settings.map(\.bit) == [7, 12, 21])
        #expect(config.settings.map(\.location.line) == [4, 4, 5])
        #expect(config.settings.map(\.location.column) == [9, 21, 15])
    }

    @Test func noneOrNothingClearsAField() throws {
        let cleared = try #require(vmcs("exit-controls none\nentry-controls\npin"))
        #expect(cleared.value(.exit) == 0 && cleared.value(.entry) == 0 && cleared.value(.pin) == 0)
        #expect(cleared.value(.primary) == VMCSConfig().value(.primary))
        let atEnd = try #require(vmcs("entry-controls"))
        #expect(atEnd.value(.entry) == 0)
    }

    @Test func theLastLineOfAFieldWins() throws {
        let config = try #require(vmcs("pin nmi-exiting\npin external-interrupt-exiting"))
        #expect(config.value(.pin) == 1)
    }

    @Test func secondaryControlsAreIgnoredWhenPrimaryBit31IsClear() throws {
        let outcome = Outcome(platform("partition g {\n vmcs {\n  primary hlt-exiting use-io-bitmaps\n  secondary enable-ept mode-based-execute enable-vm-functions vmcs-shadowing\n }\n}"))
        let config = try #require(outcome.platform?.partitions[0].vtls[0].vmcs)
        #expect(config.value(.secondary) == 1 << 1 | 1 << 22 | 1 << 13 | 1 << 14)  // kept as written
        #expect(!config.secondary(1) && !config.secondary(22) && !config.secondary(13))  // but not seen by the processor
        #expect(!config.eptEnabled && !config.mbecEnabled && !config.vmfuncEnabled && !config.shadowingEnabled)
        #expect(outcome.diagnostics.count == 1)
        #expect(outcome.has(.warning, line: 3, column: 2, "secondary controls are ignored (treated as 0) because primary 'activate-secondary-controls' is off"))

        let on = try #require(vmcs("primary activate-secondary-controls\nsecondary enable-ept mode-based-execute"))
        #expect(on.secondary(1) && on.mbecEnabled && on.eptEnabled && !on.secondary(5))
    }

    // MARK: - I/O bitmaps (DOMAIN.md §4.1)

    @Test(arguments: [
        // A multi-byte access checks every byte's bit, across bitmaps A and B.
        ("io default pass\nio exit 0x8000", 0x7FFF, 1, false),
        ("io default pass\nio exit 0x8000", 0x7FFF, 2, true),
        ("io default pass\nio exit 0x8000", 0x7FFE, 2, false),
        ("io default pass\nio exit 0x8000", 0x8000, 1, true),
        ("io default pass\nio exit 0x7FFF", 0x7FFE, 4, true),
        // An access that wraps past 0xFFFF always exits.
        ("io default pass", 0xFFFF, 1, false),
        ("io default pass", 0xFFFF, 2, true),
        ("io default pass", 0xFFFE, 4, true),
        ("io default pass", 0xFFFC, 4, false),
        // The default is exit; named ports pass.
        ("io pass 0x60 0x64", 0x60, 1, false),
        ("io pass 0x60 0x64", 0x60, 2, true),
        ("io pass 0x60 0x64", 0x64, 1, false),
        ("io pass 0x60 0x64", 0xB2, 1, true),
        ("", 0x60, 1, true),
        // The last line naming a port wins.
        ("io pass 0x70..0x71\nio exit 0x71", 0x70, 1, false),
        ("io pass 0x70..0x71\nio exit 0x71", 0x71, 1, true),
        ("io exit 0x71\nio pass 0x70..0x71", 0x71, 1, false),
        ("io pass 0x70, 0x71\nio default exit", 0x70, 2, false),
        // Without I/O bitmaps: unconditional I/O exiting decides, and the rules do not matter.
        ("primary hlt-exiting\nio exit 0xB2", 0xB2, 1, false),
        ("primary unconditional-io-exiting\nio pass 0xB2", 0xB2, 1, true),
        // With I/O bitmaps, unconditional I/O exiting is ignored.
        ("primary use-io-bitmaps unconditional-io-exiting\nio default pass", 0x60, 1, false),
    ] as [(String, UInt32, UInt32, Bool)])
    func ioExits(body: String, port: UInt32, size: UInt32, exits: Bool) throws {
        let config = try #require(vmcs(body))
        #expect(config.ioExits(port: port, size: size) == exits)
    }

    @Test func ioRulesKeepTheirRangesAndLocations() throws {
        let config = try #require(vmcs("io pass 0x60 0x64, 0x70..0x71\nio exit 0xFFFF\nio default pass"))
        #expect(config.ioRules.map { [$0.low, $0.high] } == [[0x60, 0x60], [0x64, 0x64], [0x70, 0x71], [0xFFFF, 0xFFFF]])
        #expect(config.ioRules.map(\.action) == [.pass, .pass, .pass, .exit])
        #expect(config.ioRules.map(\.location.line) == [4, 4, 4, 5])
        #expect(config.ioDefault == .pass)
        #expect(config.ioAction(for: 0x65) == .pass && config.ioAction(for: 0xFFFF) == .exit)
    }

    // MARK: - MSR bitmap (DOMAIN.md §4.2)

    @Test(arguments: [
        ("", 0x10, false, true),
        ("msr default pass", 0x10, false, false),
        ("msr default pass", 0x1FFF, true, false),
        ("msr default pass", 0x2000, false, true),  // outside both ranges: always exits
        ("msr default pass", 0xC000_0000, false, false),
        ("msr default pass", 0xC000_1FFF, true, false),
        ("msr default pass", 0xC000_2000, false, true),
        ("msr default pass", 0xBFFF_FFFF, false, true),
        ("msr default pass", 0x4000_0000, true, true),
        ("msr default pass", 0xFFFF_FFFF, false, true),
        ("msr pass 0x2000..0x2FFF", 0x2000, false, true),  // a rule cannot open an MSR the bitmap does not cover
        ("msr pass read 0x10", 0x10, false, false),
        ("msr pass read 0x10", 0x10, true, true),
        ("msr pass write 0x48", 0x48, false, true),
        ("msr pass write 0x48", 0x48, true, false),
        ("msr pass 0x10\nmsr exit read 0x10", 0x10, false, true),
        ("msr pass 0x10\nmsr exit read 0x10", 0x10, true, false),
        ("msr default pass\nmsr exit 0xC000_0080", 0xC000_0080, true, true),
        ("msr default pass\nmsr exit 0xC000_0080", 0xC000_0081, true, false),
        // Without MSR bitmaps every RDMSR and WRMSR exits.
        ("primary activate-secondary-controls\nmsr default pass", 0x10, false, true),
        ("primary activate-secondary-controls\nmsr pass 0x10", 0x10, true, true),
    ] as [(String, UInt32, Bool, Bool)])
    func msrExits(body: String, msr: UInt32, write: Bool, exits: Bool) throws {
        let config = try #require(vmcs(body))
        #expect(config.msrExits(msr, write: write) == exits)
    }

    @Test func msrRulesKeepTheirAccess() throws {
        let config = try #require(vmcs("msr pass read 0x10 0x1B\nmsr exit write 0x174..0x176\nmsr pass 0xC000_0100\nmsr default pass"))
        #expect(config.msrRules.map { [$0.low, $0.high] } == [[0x10, 0x10], [0x1B, 0x1B], [0x174, 0x176], [0xC000_0100, 0xC000_0100]])
        #expect(config.msrRules.map(\.access) == [.init(read: true, write: false), .init(read: true, write: false), .init(read: false, write: true), .init(read: true, write: true)])
        #expect(config.msrRules.map(\.action) == [.pass, .pass, .exit, .pass])
        #expect(config.msrDefault == .pass)
    }

    // MARK: - Structures

    @Test func placementsVMFunctionsShadowingAndMSRAreas() throws {
        let p = try #require(valid(platform("""
              region v    0x1000 size 4K kind vmcs
              region io   0x2000 size 8K kind io-bitmap
              region mb   0x4000 size 4K kind msr-bitmap
              region el   0x5000 size 4K kind eptp-list
              region rd   0x6000 size 4K kind vmcs-bitmap
              region wr   0x7000 size 4K kind vmcs-bitmap
              region ma   0x8000 size 4K kind msr-area
              region mx   0x9000 size 4K kind msr-area
              partition h { vtl 0 { } vtl 1 { } }
              partition g {
                vmcs in v {
                  secondary enable-ept enable-vm-functions vmcs-shadowing
                  io-bitmap in io
                  msr-bitmap in mb
                  vmfunc eptp-list in el { g h.vtl1 h }
                  shadowing vmread-bitmap in rd vmwrite-bitmap in wr {
                    vmread 0x4400 0x6400..0x6402
                    vmwrite 0x681E
                    vmread 0x0002
                  }
                  msr-load entry in ma { 0xC000_0080 = 0xD01  0x10 }
                  msr-load exit in mx { 0x1A0 = 0 }
                  msr-store { 0x10 = 7 }
                  msr-store exit { }
                }
              }
            """)))
        let config = try #require(p.partition(named: "g")?.vtls[0].vmcs)
        #expect(config.region == "v" && config.ioBitmapRegion == "io" && config.msrBitmapRegion == "mb")
        #expect(config.location.line == 12)
        let vmfunc = try #require(config.vmfunc)
        #expect(vmfunc.eptpListRegion == "el")
        #expect(vmfunc.entries == [.vtl(partition: "g", level: 0), .vtl(partition: "h", level: 1), .vtl(partition: "h", level: 0)])
        #expect(config.vmfuncEnabled && config.shadowingEnabled)
        let shadowing = try #require(config.shadowing)
        #expect(shadowing.vmreadBitmapRegion == "rd" && shadowing.vmwriteBitmapRegion == "wr")
        #expect(shadowing.vmreadPass == [0x4400, 0x6400, 0x6401, 0x6402, 0x0002])
        #expect(shadowing.vmwritePass == [0x681E])
        #expect(config.msrAreas.map(\.kind) == [.entryLoad, .exitLoad, .exitStore, .exitStore])
        #expect(config.msrAreas.map(\.region) == ["ma", "mx", nil, nil])
        #expect(config.msrAreas[0].entries == [.init(index: 0xC000_0080, value: 0xD01), .init(index: 0x10, value: 0)])
        #expect(config.msrAreas[1].entries == [.init(index: 0x1A0, value: 0)])
        #expect(config.msrAreas[2].entries == [.init(index: 0x10, value: 7)])
        #expect(config.msrAreas[3].entries.isEmpty)
    }

    @Test func vmfuncWithoutAListRegion() throws {
        let config = try #require(vmcs("secondary enable-ept enable-vm-functions\nvmfunc { g }"))
        #expect(config.vmfunc?.eptpListRegion == nil && config.vmfunc?.entries == [.vtl(partition: "g", level: 0)])
    }
}
