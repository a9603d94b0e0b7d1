import Platform
import Testing

@testable import Report

@Suite struct TextReportTests {
    static let platform = try! Platform.parse("""
        platform "p" {
          region g1.ram 0x100000 size 1M owner guest1
          region g2.ram 0x200000 size 1M owner guest2
          partition guest1 { map 0x0 size 1M -> g1.ram rwx }
          partition guest2 { map 0x0 size 1M -> g2.ram rwx }
          device nic assigned guest1 iommu off
        }
        property "a" { guest1 cannot read guest2 }
        property "b" { guest2 cannot read guest1 }
        property "c" { guest1 cannot dos }
        """, file: "p.moat").platform

    static var results: [PropertyResult] {
        let p = platform.properties
        let step = Step(actor: .partition("guest1"), action: .access(.read, gpa: 0x1000, hpa: 0x200010, userMode: false))
        let dma = Step(actor: .device("nic"), action: .dma(.write, address: 0x200000, hpa: 0x200000))
        return [
            PropertyResult(property: p[0], verdict: .attack(Trace(property: p[0], steps: [step, dma])), validation: .confirmed(evidence: ["pattern seen"]), seconds: 0.0125),
            PropertyResult(property: p[1], verdict: .proved(Certificate(method: "m", blockingFacts: ["fact one", "fact two"], recheckQueries: 1)), seconds: 1.5),
            PropertyResult(property: p[2], verdict: .unknown(reason: "a bound was hit"), seconds: 0),
        ]
    }

    @Test func rendersOneLinePerPropertyWithDetailsUnderneath() {
        let text = TextReport().render(platform: Self.platform, results: Self.results)
        let expected = """
            p.moat: platform "p" — 2 regions, 2 partitions, 1 device
              attack   a: guest1 cannot read guest2  0.013 s
                       1. guest1 reads guest-physical 0x1000 → host-physical 0x200010 (g2.ram + 0x10)
                       2. device nic DMA-writes bus address 0x200000 → host-physical 0x200000 (g2.ram)
                       confirmed by replay on the concrete machine
                         pattern seen
              proved   b: guest2 cannot read guest1  1.500 s
                       blocked by: fact one
                       blocked by: fact two
              unknown  c: guest1 cannot dos          0.000 s
                       a bound was hit

            """
        #expect(text == expected)
    }

    @Test func summaryCountsEachVerdict() {
        #expect(TextReport().summary(Self.results) == "3 properties: 1 proved, 1 attack, 1 unknown")
        #expect(TextReport().summary([]) == "0 properties: 0 proved, 0 attacks, 0 unknown")
    }

    @Test func colourIsOptIn() {
        #expect(!TextReport(color: false).render(platform: Self.platform, results: Self.results).contains("\u{1B}["))
        #expect(TextReport(color: true).render(platform: Self.platform, results: Self.results).contains("\u{1B}[31mattack"))
    }

    @Test func refutedReplayIsShownLoudly() {
        var results = Self.results
        results[0].validation = .refuted(step: 1, reason: "EPT violation at 0x1000")
        let text = TextReport().render(platform: Self.platform, results: results)
        #expect(text.contains("REFUTED by the concrete machine at step 2: EPT violation at 0x1000"))
    }

    @Test func timingsCanBeLeftOut() {
        let text = TextReport(timings: false).render(platform: Self.platform, results: Self.results)
        #expect(text.contains("  attack   a: guest1 cannot read guest2\n"))
        #expect(!text.contains(" s\n"))
    }
}
