import Testing
@testable import Platform

/// A malformed model and the first error it must produce.
struct Malformed: CustomTestStringConvertible, Sendable {
    var name: String
    var source: String
    var line: Int
    var column: Int
    var message: String
    var testDescription: String { name }

    init(_ name: String, _ source: String, _ line: Int, _ column: Int, _ message: String) {
        self.name = name
        self.source = source
        self.line = line
        self.column = column
        self.message = message
    }
}

private let after = "property \"p\" "

@Suite("Malformed models")
struct MalformedModelTests {
    static let cases: [Malformed] = [
        // File structure
        Malformed("missing platform block", "property \"x\" { hypervisor cannot dos }", 1, 1, "expected a 'platform \"name\" { … }' block; the file has none"),
        Malformed("empty file", "", 1, 1, "expected a 'platform \"name\" { … }' block; the file has none"),
        Malformed("unknown top-level word", "regoin a 0x0 size 4K\nplatform \"p\" { }", 1, 1, "expected 'platform' or 'property' at the top level, found 'regoin'"),
        Malformed("second platform", "platform \"a\" { }\nplatform \"b\" { }", 2, 1, "a file describes one platform; found a second 'platform' block"),
        Malformed("unknown declaration", platform("regoin a 0x1000 size 4K"), 2, 1, "expected a declaration: 'region', 'cpu', 'hypervisor', 'partition', 'smm', 'device' or 'property', found 'regoin'"),
        Malformed("unterminated block", "platform \"p\" {\n  partition g {\n    map 0x0 size 4K -> 0x1000 rw\n", 4, 1, "expected '}' to close partition 'g', found end of file"),
        Malformed("platform name not a string", "platform p { }", 1, 10, "expected the platform's name in quotes after 'platform', found 'p'"),
        // Lexical
        Malformed("bad number", platform("region a 0x10G0 size 4K"), 2, 10, "malformed number '0x10G0'; expected hexadecimal digits with an optional K, M, G or T suffix"),
        Malformed("number overflow", platform("region a 0x1_0000_0000_0000_0000 size 4K"), 2, 10, "number '0x1_0000_0000_0000_0000' does not fit in 64 bits"),
        Malformed("number overflow by suffix", platform("region a 0x1000 size 16777216T"), 2, 22, "number '16777216T' does not fit in 64 bits"),
        Malformed("unterminated string", "platform \"p {\n}", 1, 10, "unterminated string; expected a closing '\"' on the same line"),
        Malformed("unterminated comment", platform("/* open"), 2, 1, "unterminated comment; expected '*/' before the end of the file"),
        Malformed("bad character", platform("region a 0x1000 size 4K owner @g"), 2, 31, "unexpected character '@'; expected a name, a number, a string or an operator"),
        // Regions
        Malformed("missing size keyword", platform("region a 0x1000 4K"), 2, 17, "expected 'size' after the region's base address, found number 4K"),
        Malformed("missing size at the end of a line", platform("region a 0x1000 size\nregion b 0x2000 size 4K"), 3, 1, "expected the region's size after 'size', found 'region'"),
        Malformed("unknown region kind", platform("region a 0x1000 size 4K kind stak"), 2, 30, "unknown region kind 'stak'; expected one of ram, code, data, secret, stack, free, page-tables, vmcs, msr-area, io-bitmap, msr-bitmap, eptp-list, vmcs-bitmap, iommu-tables, comm-buffer, smram, mmio (did you mean 'stack'?)"),
        Malformed("unknown owner", platform("region a 0x1000 size 4K owner gest\npartition guest { }"), 2, 31, "unknown principal 'gest' as the owner of region 'a'; expected a partition, 'PARTITION.vtlN', 'hypervisor', 'smm' or a device (did you mean 'guest'?)"),
        Malformed("duplicate region name", platform("region a 0x1000 size 4K\nregion a 0x2000 size 4K"), 3, 8, "duplicate name 'a': a region of that name is declared at test.moat:2:8; expected a unique name for this region"),
        Malformed("name shared by a region and a partition", platform("region g 0x1000 size 4K\npartition g { }"), 3, 11, "duplicate name 'g': a region of that name is declared at test.moat:2:8; expected a unique name for this partition"),
        Malformed("reserved name", platform("region smm 0x1000 size 4K"), 2, 8, "'smm' is reserved; expected another name for this region"),
        Malformed("overlapping regions", platform("region a 0x1000 size 8K\nregion b 0x2000 size 4K"), 3, 1, "region 'b' [0x2000, 0x3000) overlaps region 'a' [0x1000, 0x3000) declared at test.moat:2:1; expected disjoint regions"),
        Malformed("region past 2^52", platform("region big 0xF_FFFF_FFFF_F000 size 8K"), 2, 1, "region 'big' ends past 2^52 (base 0xffffffffff000 + size 0x2000); expected a range below 0x10000000000000"),
        Malformed("region that wraps", platform("region w 0xFFFF_FFFF_FFFF_F000 size 8K"), 2, 1, "region 'w' ends past 2^52"),
        Malformed("region past MAXPHYADDR", platform("cpu { maxphyaddr 39 }\nregion r 0x80_0000_0000 size 4K"), 3, 1, "region 'r' ends at 0x8000001000, past MAXPHYADDR 39 (0x8000000000); expected a range below it or a larger 'maxphyaddr' in the cpu block"),
        Malformed("region size 0", platform("region z 0x1000 size 0"), 2, 1, "region 'z' has size 0; expected a positive size"),
        // CPU
        Malformed("two cpu blocks", platform("cpu { }\ncpu { mbec off }"), 3, 1, "the platform has a 'cpu' block already; merge the two"),
        Malformed("unknown erratum", platform("cpu { erratum meltdown }"), 2, 15, "unknown erratum 'meltdown'; expected one of msr-load-shutdown, page-size-change-mce"),
        Malformed("maxphyaddr out of range", platform("cpu { maxphyaddr 60 }"), 2, 7, "maxphyaddr 60 is out of range; expected a width from 32 to 52 bits"),
        Malformed("MSR index over 32 bits", platform("cpu { msr exists 0x10 0x1_0000_0000 }"), 2, 23, "MSR index 0x100000000 does not fit in 32 bits"),
        Malformed("not a switch", platform("cpu { mbec maybe }"), 2, 12, "expected 'on' or 'off' after 'mbec', found 'maybe'"),
        Malformed("unknown cpu setting", platform("cpu { hyperthreading on }"), 2, 7, "unknown CPU setting 'hyperthreading'; expected maxphyaddr, execute-only-ept, mbec"),
        // Mappings
        Malformed("mapping to an unknown region", platform("region g.ram 0x1000 size 4K\npartition g { map 0x0 size 4K -> g.rma rw }"), 3, 34, "unknown region 'g.rma' as the target of a mapping; expected a declared region (did you mean 'g.ram'?)"),
        Malformed("mapping outside its region", platform("region g.ram 0x1000 size 8K\npartition g { map 0x0 size 8K -> g.ram + 4K rw }"), 3, 15, "mapping of 0x2000 bytes at offset 0x1000 runs outside region 'g.ram' (size 0x2000); expected offset + size ≤ 0x2000"),
        Malformed("unaligned 2M page", platform("region g.ram 0x10_1000 size 2M\npartition g { map 0x0 size 2M -> g.ram rw page 2M }"), 3, 15, "EPT mapping with 2M pages is not 2M-aligned (guest 0x0, host 0x101000, size 0x200000); expected addresses and size that are multiples of 0x200000"),
        Malformed("write without read", platform("partition g { map 0x0 size 4K -> 0x1000 -w- }"), 2, 15, "rights '-w--' grant write without read: an EPT misconfiguration (exit reason 49) on every access"),
        Malformed("write-execute without read", platform("partition g { map 0x0 size 4K -> 0x1000 -wx }"), 2, 15, "rights '-wx-' grant write without read: an EPT misconfiguration"),
        Malformed("execute-only without the capability", platform("cpu { execute-only-ept off }\npartition g { map 0x0 size 4K -> 0x1000 --x }"), 3, 15, "execute-only rights '--x-' are an EPT misconfiguration on a CPU without execute-only support; expected read with execute, or 'execute-only-ept on'"),
        Malformed("bad page size", platform("partition g { map 0x0 size 8K -> 0x2000 rw page 8K }"), 2, 49, "page size 8K is not an EPT leaf size; expected 4K, 2M or 1G"),
        Malformed("1G pages unsupported", platform("cpu { pages-1g off }\npartition g { map 0x0 size 1G -> 0x4000_0000 rw page 1G }"), 3, 15, "1G pages are not supported by this CPU (set 'pages-1g on' in the cpu block); expected 4K pages"),
        Malformed("bad access rights", platform("partition g { map 0x0 size 4K -> 0x1000 rwz }"), 2, 41, "expected access rights for the mapping (letters r, w, x and u, e.g. 'rw' or 'rwx', or 'none'), found 'rwz'"),
        Malformed("mapping of size 0", platform("partition g { map 0x0 size 0 -> 0x1000 rw }"), 2, 15, "EPT mapping of g.vtl0 has size 0; expected a positive size"),
        Malformed("overlapping guest ranges", platform("partition g {\n map 0x0 size 8K -> 0x1000 rw\n map 0x1000 size 4K -> 0x9000 rw\n}"), 4, 2, "mapping of guest-physical [0x1000, 0x2000) overlaps the mapping at test.moat:3:2 in g.vtl0's address space; expected each guest-physical address mapped once"),
        // VMCS
        Malformed("control of another field", platform("partition g { vmcs { primary enable-ept } }"), 2, 30, "unknown primary control 'enable-ept'; expected one of the primary controls of SDM vol. 3C §25.6 ('enable-ept' is a secondary control)"),
        Malformed("misspelt control", platform("partition g { vmcs { primary hlt-exitng } }"), 2, 30, "unknown primary control 'hlt-exitng'; expected one of the primary controls of SDM vol. 3C §25.6 (did you mean 'hlt-exiting'?)"),
        Malformed("VMCS in a region of the wrong kind", platform("region v 0x1000 size 4K kind data\npartition g { vmcs in v { } }"), 3, 23, "region 'v' holds the VMCS but is of kind data; expected kind vmcs"),
        Malformed("EPT in a region without a kind", platform("region e 0x1000 size 4K\npartition g { ept in e }"), 3, 22, "region 'e' holds the EPT of g.vtl0 but declares no kind; expected 'kind page-tables'"),
        Malformed("MBEC on a CPU without it", platform("cpu { mbec off }\npartition g { vmcs { secondary enable-ept mode-based-execute } }"), 3, 15, "secondary 'mode-based-execute' needs a CPU with MBEC; expected 'mbec on' in the cpu block"),
        Malformed("unrestricted guest without EPT", platform("partition g { vmcs { secondary unrestricted-guest } }"), 2, 15, "unrestricted guest, mode-based execute and VM functions require secondary 'enable-ept'"),
        Malformed("port out of range", platform("partition g { vmcs { io pass 0x1_0000 } }"), 2, 30, "port 0x10000 is out of range; expected at most 0xffff"),
        Malformed("empty port range", platform("partition g { vmcs { io pass 0x71..0x70 } }"), 2, 30, "range 0x71..0x70 is empty; expected LOW..HIGH with LOW ≤ HIGH"),
        Malformed("semicolon as a separator", platform("partition g { vmcs { io pass 0x60; io exit 0x61 } }"), 2, 34, "expected a VMCS setting: pin, primary, secondary"),
        Malformed("EPTP-list entry without an EPT", platform("partition g { vmcs { secondary enable-ept enable-vm-functions\n vmfunc { hypervisor } } }"), 3, 11, "'hypervisor' has no EPT; an EPTP list holds partitions' VTLs"),
        // Partitions and VTLs
        Malformed("vtl 2", platform("partition g { vtl 2 { } }"), 2, 19, "VTL 2 is not implemented; expected 0 or 1 (Hyper-V implements VTL0 and VTL1)"),
        Malformed("protect a higher VTL", platform("partition g {\n vtl 0 { protect vtl 1 0x0 size 4K r }\n vtl 1 { }\n}"), 3, 10, "VTL 0 cannot protect VTL 1: a VTL only restricts lower VTLs, never itself or higher ones"),
        Malformed("protect itself", platform("partition g {\n vtl 0 { }\n vtl 1 { protect vtl 1 0x0 size 4K r }\n}"), 4, 10, "VTL 1 cannot protect VTL 1"),
        Malformed("protection write without read", platform("partition g {\n vtl 0 { }\n vtl 1 { protect vtl 0 0x0 size 4K -w- }\n}"), 4, 10, "protection '-w--' grants write without read, which EPT cannot express (an EPT misconfiguration); expected read with write"),
        Malformed("duplicate VTL", platform("partition g {\n vtl 0 { }\n vtl 0 { }\n}"), 4, 2, "partition 'g' declares VTL 0 twice (first at test.moat:3:2); expected one block per VTL"),
        Malformed("no VTL 0", platform("partition g { vtl 1 { } }"), 2, 1, "partition 'g' has no VTL 0; expected a 'vtl 0 { … }' block, since every partition starts in VTL 0"),
        Malformed("mapping outside the VTL blocks", platform("partition g {\n map 0x0 size 4K -> 0x1000 rw\n vtl 0 { }\n}"), 3, 2, "partition 'g' has VTL blocks, so its mappings belong inside 'vtl 0 { … }' or 'vtl 1 { … }'"),
        Malformed("two root partitions", platform("partition a kind root { }\npartition b kind root { }"), 3, 1, "partition 'b' is a second root partition; expected at most one partition of kind root"),
        Malformed("unknown partition kind", platform("partition a kind host { }"), 2, 18, "unknown partition kind 'host'; expected 'root' or 'guest'"),
        // Handlers
        Malformed("handler with an unknown parameter", hypercall("copy from guest a to host buf len len"), 6, 39, "unknown name 'len' in hypercall 0x1 \"h\"; expected a parameter (a, b, c, d) or a region"),
        Malformed("dst-len", platform("hypervisor { hypercall 1 (dst, len) { return dst-len } }"), 2, 46, "unknown name 'dst-len' in hypercall 0x1; expected a parameter (dst, len) or a region (for subtraction write 'dst - len' with spaces)"),
        Malformed("non-boolean require", hypercall("require a + 1"), 6, 15, "the condition of 'require' in hypercall 0x1 \"h\" is a value; expected a comparison such as 'len <= 0x1000' or a built-in such as within(…)"),
        Malformed("! on a value", hypercall("require !a"), 6, 14, "'!' negates a condition; expected a comparison, found a value (use '~' for bitwise not)"),
        Malformed("built-in with the wrong arity", hypercall("require within(a, b)"), 6, 13, "within takes (address, length, REGION) or (address, length, base, length); found 2 arguments"),
        Malformed("unknown statement", hypercall("frob a"), 6, 5, "unknown statement 'frob'; expected require, let, if, copy, write, leak-uninitialised, map, unmap, set-protection, give, call, shutdown or return"),
        Malformed("let shadowing a parameter", hypercall("let a = 1"), 6, 5, "'let a' shadows a parameter, name or region of hypercall 0x1 \"h\"; expected a new name"),
        Malformed("parameter named like a region", platform("region buf 0x1000 size 4K\nhypervisor { hypercall 1 (buf) { } }"), 3, 14, "parameter 'buf' of hypercall 0x1 has the name of a region; expected another name"),
        Malformed("parameter declared twice", platform("hypervisor { hypercall 1 (x, x) { } }"), 2, 14, "parameter 'x' is declared twice in hypercall 0x1; expected distinct names"),
        Malformed("copy from result", hypercall("copy from result to guest a len 8"), 6, 5, "'copy' cannot read from 'result'; expected 'guest ADDRESS' or 'host ADDRESS' as the source"),
        Malformed("set-protection of the hypervisor", hypercall("set-protection hypervisor guest a size b r"), 6, 5, "'set-protection' restricts a VTL; expected 'PARTITION.vtlN', found 'hypervisor'"),
        Malformed("give to smm", hypercall("give buf to smm at a"), 6, 5, "'give' hands a region to a partition; expected a partition or 'PARTITION.vtlN', found 'smm'"),
        Malformed("handler name after the parameters", platform("hypervisor { hypercall 1 (a) \"late\" { } }"), 2, 30, "expected '{' to open the handler's body, found string \"late\""),
        Malformed("two handlers for one trigger", platform("hypervisor {\n hypercall 1 { }\n hypercall 0x1 { }\n}"), 4, 2, "the hypervisor already has a handler for hypercall 0x1 at test.moat:3:2; expected one handler per trigger"),
        Malformed("I/O exit with two ports", platform("hypervisor { exit io 0x60 0x64 { } }"), 2, 19, "an I/O exit handler takes one port or one range; declare one handler per range"),
        Malformed("unknown exit kind", platform("hypervisor { exit vmcall { } }"), 2, 19, "unknown exit kind 'vmcall'; expected 'io', 'msr', 'mmio' or 'cpuid' (hypercalls are declared with 'hypercall')"),
        Malformed("empty MMIO range", platform("hypervisor { exit mmio 0xFEC0_0000 size 0 { } }"), 2, 14, "MMIO range [0xfec00000, +0x0) is empty or ends past 2^52"),
        Malformed("unknown caller", platform("hypervisor { hypercall 1 from nobody { } }"), 2, 31, "unknown principal 'nobody' as a caller of hypercall 0x1"),
        // SMM
        Malformed("smm without smram", platform("smm { lock on }"), 2, 1, "the smm block names no SMRAM; expected 'smram REGION'"),
        Malformed("smram region of the wrong kind", platform("region tseg 0x7F00_0000 size 8M owner smm kind data\nsmm { smram tseg }"), 3, 13, "region 'tseg' is SMRAM but is of kind data; expected kind smram"),
        Malformed("smrr on a CPU without SMRR", platform("cpu { smrr off }\nregion t 0x7F00_0000 size 8M kind smram\nsmm { smram t }"), 4, 1, "'smrr on' on a CPU without SMRR; expected 'smrr off' or 'smrr on' in the cpu block"),
        Malformed("SMI number over a byte", platform("region t 0x7F00_0000 size 8M kind smram\nsmm { smram t\n smi 0x100 { } }"), 4, 6, "SMI number 0x100 does not fit in a byte; expected 0x00 to 0xFF"),
        Malformed("unknown SMM setting", platform("smm { smbase 0x30000 }"), 2, 7, "unknown SMM setting 'smbase'; expected smram, smrr, lock, open, tseg-dma-protection, code-check or smi"),
        // Devices
        Malformed("device with iommu off and mappings", platform("partition g { }\ndevice d assigned g iommu off {\n  map 0x0 size 4K -> 0x1000 rw\n}"), 4, 3, "device 'd' has 'iommu off', so it reaches all of memory and cannot have DMA mappings; expected 'iommu on' or no mappings"),
        Malformed("device not assigned", platform("device d iommu on"), 2, 1, "device 'd' is not assigned to anyone; expected 'assigned PARTITION'"),
        Malformed("device assigned to the hypervisor", platform("device d assigned hypervisor"), 2, 19, "device 'd' is assigned to 'hypervisor'; expected a partition (DMA has VTL 0's privilege)"),
        Malformed("IOMMU tables in a region of the wrong kind", platform("region t 0x1000 size 4K kind page-tables\npartition g { }\ndevice d assigned g iommu in t"), 4, 30, "region 't' holds the IOMMU tables of 'd' but is of kind page-tables; expected kind iommu-tables"),
        // Properties
        Malformed("unknown principal", platform("partition guest1 { }", after: after + "{ gest1 cannot dos }"), 4, 16, "unknown principal 'gest1' as the attacker of \"p\"; expected a partition, 'PARTITION.vtlN', 'hypervisor', 'smm' or a device (did you mean 'guest1'?)"),
        Malformed("a VTL the partition lacks", platform("partition g { }", after: after + "{ g.vtl1 cannot dos }"), 4, 16, "partition 'g' has no VTL 1; expected one of g.vtl0"),
        Malformed("unknown goal", platform("partition g { }", after: after + "{ g cannot steal g }"), 4, 25, "unknown goal 'steal'; expected 'read', 'write', 'exec' or 'dos'"),
        Malformed("unknown target", platform("partition g { }", after: after + "{ g cannot read hypervisr }"), 4, 30, "unknown target 'hypervisr' in \"p\"; expected a region, a partition, 'PARTITION.vtlN', 'hypervisor', 'smm' or a device (did you mean 'hypervisor'?)"),
        Malformed("exec on a region", platform("region r 0x1000 size 4K\npartition g { }", after: after + "{ g cannot exec r }"), 5, 30, "'exec' names whose context runs the attacker's code; expected a principal or partition, found region 'r'"),
        Malformed("duplicate property name", platform("partition g { }", after: "property \"p\" { g cannot dos }\nproperty \"p\" { hypervisor cannot dos }"), 5, 1, "duplicate property name \"p\" (first at test.moat:4:1); expected a unique name"),
        Malformed("two claims in one property", platform("partition g { }", after: after + "{ g cannot dos g cannot dos }"), 4, 29, "expected '}' to close the property (one claim per property), found 'g'"),
    ]

    @Test(arguments: cases)
    func reportsTheExactLocationAndWhatWasExpected(_ c: Malformed) throws {
        let outcome = Outcome(c.source)
        #expect(outcome.platform == nil, "the model must not load")
        let first = try #require(outcome.errors.first, "no error at all")
        #expect([first.location.line, first.location.column] == [c.line, c.column], "\(outcome.errors.map(\.description))")
        #expect(first.message.contains(c.message), "\(outcome.errors.map(\.description))")
        #expect(first.location.file == "test.moat")
    }

    @Test func thereAreAtLeastThirtyKinds() {
        #expect(Self.cases.count >= 30)
        #expect(Set(Self.cases.map(\.name)).count == Self.cases.count)
    }

    @Test func severalSyntaxErrorsAreAllReportedInOrder() throws {
        let source = """
            platform "many" {
              region a 0x1000 sise 4K
              region b 0x2000 size
              cpu { mbec maybe }
              partition g { vtl 2 { } }
              hypervisor { hypercall 1 { frob } }
              region c @ 0x3000 size 4K
            }
            property "x" { g cannot steal g }
            """
        let outcome = Outcome(source, file: "many.moat")
        #expect(outcome.platform == nil)
        let expected: [(Int, Int, String)] = [
            (2, 19, "expected 'size' after the region's base address, found 'sise'"),
            (4, 3, "expected the region's size after 'size', found 'cpu'"),
            (4, 14, "expected 'on' or 'off' after 'mbec', found 'maybe'"),
            (5, 21, "VTL 2 is not implemented"),
            (6, 30, "unknown statement 'frob'"),
            (7, 12, "unexpected character '@'"),
            (9, 25, "unknown goal 'steal'"),
        ]
        #expect(outcome.diagnostics.count == expected.count, "\(outcome.diagnostics.map(\.description))")
        for (d, (line, column, message)) in zip(outcome.diagnostics, expected) {
            #expect([d.location.line, d.location.column] == [line, column], "\(d)")
            #expect(d.message.contains(message), "\(d)")
            #expect(d.severity == .error && d.location.file == "many.moat")
        }
    }

    @Test func severalValidationErrorsAreAllReportedInOrder() throws {
        let source = """
            platform "many" {
              region a 0x1000 size 8K kind stak
              region b 0x2000 size 4K
              partition g { map 0x0 size 4K -> nowhere rw }
              partition g2 kind root { }
              partition g3 kind root { }
              device d
            }
            property "p" { gg cannot dos }
            """
        let outcome = Outcome(source)
        let expected: [(Int, Int, String)] = [
            (2, 32, "unknown region kind 'stak'"),
            (3, 3, "region 'b' [0x2000, 0x3000) overlaps region 'a'"),
            (4, 36, "unknown region 'nowhere'"),
            (6, 3, "partition 'g3' is a second root partition"),
            (7, 3, "device 'd' is not assigned to anyone"),
            (9, 16, "unknown principal 'gg'"),
        ]
        #expect(outcome.diagnostics.map { [$0.location.line, $0.location.column] } == expected.map { [$0.0, $0.1] }, "\(outcome.diagnostics.map(\.description))")
        for (d, (_, _, message)) in zip(outcome.diagnostics, expected) {
            #expect(d.message.contains(message), "\(d)")
        }
    }

    @Test func modelErrorPrintsEveryDiagnosticOnItsOwnLine() {
        do {
            _ = try Platform.parse(platform("region a 0x1000 size 0\nregion b 0x2000 size 0"), file: "m.moat")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == """
                m.moat:2:1: error: region 'a' has size 0; expected a positive size
                m.moat:3:1: error: region 'b' has size 0; expected a positive size
                """)
            #expect(error.errors.count == 2)
        }
    }

    @Test func loadReportsAMissingFile() {
        do {
            _ = try Platform.load(path: "/nonexistent/model.moat")
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.description) == ["/nonexistent/model.moat:1:1: error: cannot read the file; expected a readable .moat file"])
        }
    }
}
