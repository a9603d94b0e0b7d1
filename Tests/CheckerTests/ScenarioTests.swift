import Foundation
import Platform
import Testing

@testable import Checker

/// The shipped scenarios and what Moat must say of each property: proved, or an attack of
/// exactly this many steps (the search proves that no shorter one exists).
@Suite struct ScenarioTests {
    enum Expected: Equatable, CustomStringConvertible {
        case proved
        case attack(Int)

        var description: String {
            switch self {
            case .proved: "proved"
            case .attack(let n): "attack of \(n) steps"
            }
        }
    }

    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("models")

    static let expectations: [(String, String, Expected)] = [
        ("dlck-clear.moat", "root cannot write SMM", .attack(3)),
        ("dlck-clear.moat", "root cannot run code in SMM", .attack(4)),
        ("dlck-set.moat", "root cannot write SMM", .proved),
        ("dlck-set.moat", "root cannot run code in SMM", .proved),
        ("dma-iommu.moat", "root cannot write the hypervisor", .proved),
        ("dma-iommu.moat", "root cannot write SMM", .proved),
        ("dma-no-iommu.moat", "root cannot write the hypervisor", .attack(1)),
        ("dma-no-iommu.moat", "root cannot write SMM", .attack(1)),
        ("io-bitmap-private.moat", "guest1 cannot write the hypervisor's code", .proved),
        ("io-bitmap-writable.moat", "guest1 cannot write the hypervisor's code", .attack(2)),
        ("hvci-wx-split.moat", "root.vtl0 cannot inject kernel code", .proved),
        ("hvci-wx-split.moat", "root.vtl0 cannot read the secure kernel", .proved),
        ("hvci-wx.moat", "root.vtl0 cannot inject kernel code", .attack(2)),
        ("hvci-wx.moat", "root.vtl0 cannot read the secure kernel", .proved),
        ("hypercall-wrap-fixed.moat", "guest1 cannot write the hypervisor", .proved),
        ("hypercall-wrap-fixed.moat", "guest1 cannot read guest2", .proved),
        ("hypercall-wrap.moat", "guest1 cannot write the hypervisor", .attack(1)),
        ("hypercall-wrap.moat", "guest1 cannot read guest2", .proved),
        ("overlapping-mapping.moat", "guest1 cannot read guest2", .attack(1)),
        ("overlapping-mapping.moat", "guest1 cannot write guest2", .attack(1)),
        ("overlapping-mapping.moat", "guest1 cannot run code in guest2", .attack(2)),
        ("overlapping-mapping.moat", "guest1 cannot write the hypervisor", .proved),
        ("overlapping-mapping.moat", "guest2 cannot read guest1", .proved),
        ("own-ept-private.moat", "guest1 cannot read the hypervisor's data", .proved),
        ("own-ept-private.moat", "guest1 cannot write the hypervisor's code", .proved),
        ("own-ept-writable.moat", "guest1 cannot read the hypervisor's data", .attack(2)),
        ("own-ept-writable.moat", "guest1 cannot write the hypervisor's code", .attack(2)),
        ("skl031-msr-load-private.moat", "guest1 cannot shut the platform down", .proved),
        ("skl031-msr-load-private.moat", "guest1 cannot write the hypervisor's code", .proved),
        ("skl031-msr-load.moat", "guest1 cannot shut the platform down", .attack(2)),
        ("skl031-msr-load.moat", "guest1 cannot write the hypervisor's code", .proved),
        ("smi-comm-buffer-unchecked.moat", "guest1 cannot write the hypervisor", .attack(1)),
        ("smi-comm-buffer-unchecked.moat", "guest1 cannot run code in SMM", .attack(2)),
        ("smi-comm-buffer-validated.moat", "guest1 cannot write the hypervisor", .proved),
        ("smi-comm-buffer-validated.moat", "guest1 cannot run code in SMM", .proved),
        ("smm-callout-code-check.moat", "root cannot run code in SMM", .proved),
        ("smm-callout-code-check.moat", "root cannot shut the platform down", .attack(1)),
        ("smm-callout.moat", "root cannot run code in SMM", .attack(1)),
        ("smrr-cache-poisoning.moat", "root.vtl0 cannot read root.vtl1", .attack(5)),
        ("smrr-cache-poisoning.moat", "root.vtl0 cannot run code in SMM", .attack(4)),
        ("smrr-on.moat", "root.vtl0 cannot read root.vtl1", .proved),
        ("smrr-on.moat", "root.vtl0 cannot run code in SMM", .proved),
        ("two-guests.moat", "guest1 cannot read guest2", .proved),
        ("two-guests.moat", "guest1 cannot write guest2", .proved),
        ("two-guests.moat", "guest2 cannot read guest1", .proved),
        ("two-guests.moat", "guest2 cannot write guest1", .proved),
        ("two-guests.moat", "guest1 cannot read the hypervisor", .proved),
        ("two-guests.moat", "guest1 cannot write the hypervisor", .proved),
        ("two-guests.moat", "guest2 cannot write the hypervisor", .proved),
        ("two-guests.moat", "guest1 cannot run code in guest2", .proved),
        ("vmcs-shadowing-eptp.moat", "guest1 cannot read guest2", .attack(3)),
        ("vmcs-shadowing-safe.moat", "guest1 cannot read guest2", .proved),
        ("vmfunc-foreign-eptp.moat", "guest1 cannot read guest2", .attack(2)),
        ("vmfunc-foreign-eptp.moat", "guest1 cannot write guest2", .attack(2)),
        ("vmfunc-own-views.moat", "guest1 cannot read guest2", .proved),
        ("vmfunc-own-views.moat", "guest1 cannot write guest2", .proved),
        ("vtl-protections-missing.moat", "root.vtl0 cannot change kernel code", .attack(1)),
        ("vtl-protections-missing.moat", "root.vtl0 cannot read the secure kernel", .proved),
        ("vtl-protections.moat", "root.vtl0 cannot change kernel code", .proved),
        ("vtl-protections.moat", "root.vtl0 cannot read the secure kernel", .proved),
        ("xsa-100-scrubbed-handoff.moat", "guest2 cannot read guest1", .proved),
        ("xsa-100-scrubbed-handoff.moat", "guest2 cannot write the hypervisor", .proved),
        ("xsa-100-unscrubbed-handoff.moat", "guest2 cannot read guest1", .attack(2)),
        ("xsa-100-unscrubbed-handoff.moat", "guest2 cannot write the hypervisor", .proved),
        ("xsa-122-initialised-hypercall.moat", "guest1 cannot read the hypervisor", .proved),
        ("xsa-122-uninitialised-hypercall.moat", "guest1 cannot read the hypervisor", .attack(1)),
        ("xsa-239-io-emulation-fixed.moat", "guest1 cannot read the hypervisor", .proved),
        ("xsa-239-io-emulation.moat", "guest1 cannot read the hypervisor", .attack(1)),
        ("xsa-304-split-pages.moat", "guest1 cannot shut the platform down", .proved),
        ("xsa-304-superpage.moat", "guest1 cannot shut the platform down", .attack(1)),
    ]

    @Test(arguments: expectations)
    func scenarioVerdict(file: String, property name: String, expected: Expected) throws {
        let platform = try Platform.load(path: Self.models.appendingPathComponent(file).path).platform
        let property = try #require(platform.properties.first { $0.name == name }, "\(file) has no property \(name)")
        let verdict = Checker(platform: platform).check(property).verdict
        switch (verdict, expected) {
        case (.proved, .proved): break
        case (.attack(let trace), .attack(let steps)):
            #expect(trace.steps.count == steps, "\(file): \(name): \(trace.steps.count) steps")
        default:
            Issue.record("\(file): \(name): expected \(expected), got \(verdict.word)")
        }
    }

    @Test func everyScenarioComesInAPairAndIsTested() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.models.path).filter { $0.hasSuffix(".moat") }
        let tested = Set(Self.expectations.map(\.0)).union(["vbs-baseline.moat", "every-construct.moat"])
        #expect(Set(files).subtracting(tested).isEmpty, "untested scenarios: \(Set(files).subtracting(tested).sorted())")
        // A vulnerable scenario's header names its fixed variant, which must exist.
        for file in files {
            let text = try String(contentsOf: Self.models.appendingPathComponent(file), encoding: .utf8)
            #expect(text.hasPrefix("#"), "\(file) lacks a header comment")
        }
    }

    @Test func theVBSBaselineProvesEveryStandardQuestion() throws {
        var platform = try Platform.load(path: Self.models.appendingPathComponent("vbs-baseline.moat").path).platform
        #expect(platform.properties.isEmpty)
        platform.properties = platform.standardProperties
        #expect(platform.properties.count >= 40)
        for result in Checker(platform: platform).checkAll() {
            #expect(result.verdict.word == "proved", "\(result.property.claim): \(result.verdict)")
        }
    }
}
