import Platform
import Testing

@testable import Report

/// The sweep space (Platform/Sweep) and the merged table (Report).
@Suite struct SweepTests {
    static let platform = try! Platform.parse("""
        platform "p" {
          region g1.ram 0x100000 size 1M owner guest1
          region g2.ram 0x200000 size 1M owner root
          region smram  0x7F000000 size 8M owner smm kind smram
          smm { smram smram }
          partition guest1 { map 0x0 size 1M -> g1.ram rwx  map 0x100000 size 4K -> g2.ram r }
          partition root kind root { vtl 0 { map 0x0 size 1M -> g2.ram rw } vtl 1 { map 0x0 size 1M -> g2.ram rw } }
        }
        """, file: "p.moat").platform

    static func sweep(_ specs: String...) throws -> Sweep {
        Sweep(try specs.map { spec throws(SweepError) in try SweepSpec(parsing: spec) })
    }

    @Test func theSpaceIsTheCartesianProductWithTheLastSpecFastest() throws {
        let sweep = try Self.sweep("smm.smrr=on,off", "io.guest1.0xB2=pass,exit", "map.guest1.1=r,rw,none")
        #expect(sweep.count == 12)
        #expect(sweep.variant(0).description == "smm.smrr=on io.guest1.0xB2=pass map.guest1.1=r")
        #expect(sweep.variant(1).description == "smm.smrr=on io.guest1.0xB2=pass map.guest1.1=rw")
        #expect(sweep.variant(3).description == "smm.smrr=on io.guest1.0xB2=exit map.guest1.1=r")
        #expect(sweep.variant(11).description == "smm.smrr=off io.guest1.0xB2=exit map.guest1.1=none")
    }

    @Test func shardsPartitionTheSpace() throws {
        let sweep = try Self.sweep("smm.smrr=on,off", "smm.lock=on,off", "smm.code-check=on,off")
        let shards = (0..<3).map { sweep.ids(shard: $0, of: 3) }
        #expect(shards == [[0, 3, 6], [1, 4, 7], [2, 5]])
        #expect(shards.flatMap { $0 }.sorted() == Array(0..<8))
    }

    @Test func applyingAVariantIsPure() throws {
        let sweep = try Self.sweep("smm.smrr=off", "smm.lock=off", "smm.code-check=off", "smm.tseg-dma-protection=off",
                                   "hypervisor.scrub-on-free=off", "io.root.vtl1.0xCF8=pass", "map.root.vtl1.0=r")
        let before = Self.platform
        let after = try sweep.apply(sweep.variant(0), to: before)
        #expect(before == Self.platform)
        #expect(after.smm?.smrr == false && after.smm?.locked == false && after.smm?.codeCheck == false && after.smm?.tsegDMAProtection == false)
        #expect(after.hypervisor.scrubOnFree == false)
        let vtl1 = after.partitions[1].vtls[1]
        #expect(!vtl1.vmcs.ioExits(port: 0xCF8, size: 1))
        #expect(vtl1.mappings[0].permissions == .read)
        #expect(after.partitions[1].vtls[0] == before.partitions[1].vtls[0])
    }

    @Test func aPortSetToExitOverridesAPass() throws {
        let sweep = try Self.sweep("io.guest1.0xB2=pass,exit")
        let passing = try sweep.apply(sweep.variant(0), to: Self.platform)
        #expect(!passing.partitions[0].vtls[0].vmcs.ioExits(port: 0xB2, size: 1))
        let exiting = try sweep.apply(sweep.variant(1), to: passing)
        #expect(exiting.partitions[0].vtls[0].vmcs.ioExits(port: 0xB2, size: 1))
    }

    @Test(arguments: [
        ("smm.smrr", "expected KEY=VALUE"),
        ("smm.smrr=yes", "expected on or off, found 'yes'"),
        ("smm.smrr=on,on", "a value is repeated"),
        ("smm.frobnicate=on", "unknown sweep key 'smm.frobnicate'"),
        ("io.guest1.0x10000=pass", "expected an I/O port"),
        ("io.guest1.0xB2=open", "expected pass or exit"),
        ("map.guest1.x=rw", "expected a 0-based mapping index"),
        ("map.guest1.0=rq", "expected rights"),
        ("map.guest1.vtlx.0=rw", "expected vtlN"),
    ])
    func malformedSpecsSayWhatWasExpected(spec: String, fragment: String) {
        #expect(throws: SweepError.self) { try SweepSpec(parsing: spec) }
        do { _ = try SweepSpec(parsing: spec) } catch { #expect(error.message.contains(fragment), "\(error)") }
    }

    @Test(arguments: [
        ("map.guest1.2=rw", "guest1.vtl0 has 2 mappings"),
        ("io.nobody.0xB2=pass", "no partition 'nobody'"),
        ("map.guest1.vtl1.0=rw", "partition 'guest1' has no VTL 1"),
    ])
    func specsThatDoNotFitTheModelAreRejected(spec: String, fragment: String) throws {
        let sweep = Sweep([try SweepSpec(parsing: spec)])
        do {
            try sweep.validate(against: Self.platform)
            Issue.record("\(spec) was accepted")
        } catch {
            #expect(error.message.contains(fragment), "\(error)")
        }
    }

    @Test func smmKnobsNeedAnSMMBlock() throws {
        let bare = try Platform.parse("platform \"q\" { region r 0x0 size 4K owner g  partition g { map 0x0 size 4K -> r rw } }", file: "q.moat").platform
        #expect(throws: SweepError.self) { try Sweep([try SweepSpec(parsing: "smm.lock=on")]).validate(against: bare) }
    }

    static func record(_ id: Int, sweep: String = "s", verdict: String = "proved", seconds: Double? = nil) -> SweepRecord {
        var r = SweepRecord(sweep: sweep, model: "m.moat", variant: Sweep([]).variant(0), results: [], seconds: seconds)
        r.variantId = id
        r.variant = "k=\(id)"
        r.settings = [.init(key: "k", value: "v,\(id)")]
        r.properties = [.init(name: "p \"one\"", verdict: verdict, attackLength: verdict == "attack" ? 2 : nil)]
        return r
    }

    @Test func mergingSortsDeduplicatesAndQuotesCSV() throws {
        let table = try SweepTable(merging: [Self.record(2, verdict: "attack"), Self.record(0), Self.record(2), Self.record(1)])
        #expect(table.records.map(\.variantId) == [0, 1, 2])
        #expect(table.csv() == #"""
            variant_id,variant,k,"p ""one""",proved,attacks,unknown
            0,k=0,"v,0",proved,0,0,0
            1,k=1,"v,1",proved,0,0,0
            2,k=2,"v,2",attack:2,0,0,0

            """#)
    }

    @Test func recordsOfDifferentSweepsDoNotMerge() {
        #expect(throws: SweepError.self) { try SweepTable(merging: [Self.record(0, sweep: "a"), Self.record(1, sweep: "b")]) }
    }

    @Test func recordsRoundTripThroughJSONLinesAndCutLinesAreSkipped() {
        let lines = [Self.record(0, seconds: 1.5).line, Self.record(1).line, String(Self.record(2).line.prefix(30))].joined(separator: "\n")
        let (records, skipped) = SweepRecord.parse(lines: lines)
        #expect(records == [Self.record(0, seconds: 1.5), Self.record(1)])
        #expect(skipped == 1)
    }
}
