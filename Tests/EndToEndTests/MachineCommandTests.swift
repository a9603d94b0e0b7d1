import Foundation
import Testing

/// `moat ept translate` and `moat vmx run`, run as the built binary on the examples in
/// docs/examples and on malformed inputs.
@Suite struct MachineCommandTests {
    static let memory = "docs/examples/ept-2m.mem"

    static func translate(_ arguments: [String]) throws -> MoatRun {
        try Moat.run(["ept", "translate", "--memory", memory, "--eptp", "0x1001e"] + arguments)
    }

    @Test func aTwoMiBLeafTranslates() throws {
        let run = try Self.translate(["--gpa", "0x123456", "--access", "read"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == """
            EPTP 0x1001e: 4-level walk from 0x10000
            read of guest-physical 0x123456:
              level 4 PML4E at 0x10000 = 0x11407
              level 3 PDPTE at 0x11000 = 0x12407
              level 2 PDE at 0x12000 = 0x400000b7
            translated: host-physical 0x40123456 (2M page)

            """)
    }

    @Test func violationsAndMisconfigurationsAsJSON() throws {
        let violation = try Self.translate(["--gpa", "0x200010", "--access", "write", "--format", "json"])
        #expect(violation.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(violation.stdout.utf8)) as? [String: Any]
        #expect(json?["outcome"] as? String == "violation")
        #expect(json?["exitReason"] as? Int == 48)
        #expect(json?["qualification"] as? Int == 0xA)  // a write; the entries allow r only
        let walk = json?["walk"] as? [[String: Any]]
        #expect(walk?.map { $0["level"] as? Int } == [4, 3, 2, 1])
        #expect(walk?.last?["entry"] as? Int == 0x5000_0031)
        let misconfiguration = try Self.translate(["--gpa", "0x201000", "--access", "read", "--format", "json"])
        let m = try JSONSerialization.jsonObject(with: Data(misconfiguration.stdout.utf8)) as? [String: Any]
        #expect(m?["outcome"] as? String == "misconfiguration" && m?["exitReason"] as? Int == 49)
        let translated = try Self.translate(["--gpa", "0x202000", "--access", "fetch", "--user-page", "--mbec", "--format", "json"])
        let t = try JSONSerialization.jsonObject(with: Data(translated.stdout.utf8)) as? [String: Any]
        #expect(t?["outcome"] as? String == "translated" && t?["hpa"] as? Int == 0x5000_2000 && t?["pageSize"] as? Int == 4096)
    }

    @Test func capabilityFlagsChangeTheOutcome() throws {
        let executeOnly = try Self.translate(["--gpa", "0x202000", "--access", "fetch", "--no-execute-only"])
        #expect(executeOnly.stdout.contains("EPT misconfiguration: exit reason 49"))
        let no2M = try Self.translate(["--gpa", "0x1000", "--access", "read", "--no-2m"])
        #expect(no2M.stdout.contains("EPT misconfiguration"))
        let narrow = try Self.translate(["--gpa", "0x1000", "--access", "read", "--maxphyaddr", "30"])
        #expect(narrow.status == 2 && narrow.stderr.contains("--maxphyaddr"))
    }

    @Test(arguments: [
        ("unaligned.mem", "unaligned.mem:2:1: error: address 0x1004 is not 8-byte aligned"),
        ("missing-colon.mem", "missing-colon.mem:2:9: error: expected ':' after the address"),
        ("too-wide.mem", "too-wide.mem:2:9: error: value 0x1_0000_0000_0000_0000 is wider than 64 bits"),
        ("not-hex.mem", "not-hex.mem:3:9: error: expected a hexadecimal value such as 0x1000, found 'banana'"),
        ("no-such-file.mem", "no-such-file.mem:1:1: error: cannot read the file"),
    ])
    func malformedMemoryImagesAreLocated(file: String, message: String) throws {
        let path = Moat.inputs.appendingPathComponent("machine/\(file)").path
        let run = try Moat.run(["ept", "translate", "--memory", path, "--eptp", "0x1001e", "--gpa", "0", "--access", "read"])
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix(path + String(message.drop { $0 != ":" })), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test func aBadEPTPIsBadInput() throws {
        let run = try Moat.run(["ept", "translate", "--memory", Self.memory, "--eptp", "0x10019", "--gpa", "0", "--access", "read"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--eptp 0x10019 is not a valid EPTP: EPTP memory type 1 is not allowed"), "\(run.stderr)")
        let unparsable = try Moat.run(["ept", "translate", "--memory", Self.memory, "--eptp", "0xZZ", "--gpa", "0", "--access", "read"])
        #expect(unparsable.status == 2 && unparsable.stderr.contains("--eptp"))
    }

    @Test func theVMXONExampleShowsEveryPrecondition() throws {
        let run = try Moat.run(["vmx", "run", "docs/examples/vmxon.vmx"])
        #expect(run.status == 0, "\(run.stderr)")
        for line in [
            "5: vmxon 0x1000: #UD", "8: vmxon 0x1000: #GP(0)", "10: vmxon 0x1008: VMfailInvalid",
            "11: vmxon 0x1000: VMsucceed", "15: vmxon 0x1000: VMfailValid(15): VMXON executed in VMX root operation",
            "16: vmptrld 0x1000: VMfailValid(10): VMPTRLD with VMXON pointer", "17: vmptrst: VMsucceed, value 0x2000",
            "21: vmptrst: VMsucceed, value 0xffffffffffffffff", "22: vmread 0x4002: VMfailInvalid", "25: vmptrst: #UD",
        ] {
            #expect(run.stdout.contains(line + "\n"), "missing \(line) in\n\(run.stdout)")
        }
    }

    @Test func theVMEntryExampleReportsEntryFailuresAndExits() throws {
        let run = try Moat.run(["vmx", "run", "docs/examples/vm-entry.vmx"])
        #expect(run.status == 0)
        for line in [
            "9: vmlaunch: VMfailValid(7): VM entry with invalid control field(s)",
            "14: vmlaunch: VM exit: reason 0x80000021 (VM-entry failure, basic reason 33), qualification 0x4",
            "19: vmlaunch: VM exit: reason 0x80000022 (VM-entry failure, basic reason 34), qualification 0x1",
            "21: vmlaunch: entered the guest", "22: in 0x60 1: completed in the guest without a VM exit",
            "23: cpuid: VM exit: reason 10, qualification 0x0", "25: vmcall: VM exit: reason 18, qualification 0x0",
            "26: vmlaunch: VMfailValid(4): VMLAUNCH with non-clear VMCS",
        ] {
            #expect(run.stdout.contains(line + "\n"), "missing \(line) in\n\(run.stdout)")
        }
    }

    @Test func theGuestExitsExampleAsJSON() throws {
        let run = try Moat.run(["vmx", "run", "--format", "json", "docs/examples/guest-exits.vmx"])
        #expect(run.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let results = try #require(json?["instructions"] as? [[String: Any]])
        func result(line: Int) -> [String: Any]? { results.first { $0["line"] as? Int == line } }
        #expect(result(line: 24)?["outcome"] as? String == "translated" && result(line: 24)?["hpa"] as? Int == 0x4000_1008)
        #expect(result(line: 25)?["exitReason"] as? Int == 48 && result(line: 25)?["qualification"] as? Int == 0x1C)
        #expect(result(line: 29)?["exitReason"] as? Int == 30 && result(line: 29)?["qualification"] as? Int == 0xB2_0000)
        #expect(result(line: 31)?["outcome"] as? String == "completed")
        #expect(result(line: 34)?["outcome"] as? String == "completed" && result(line: 34)?["value"] as? Int == 0)
        #expect(result(line: 35)?["exitReason"] as? Int == 32)
    }

    @Test func theSKL031ExampleShutsDown() throws {
        let run = try Moat.run(["vmx", "run", "docs/examples/skl031.vmx"])
        #expect(run.stdout.contains("18: vmlaunch: shutdown\n19: vmxoff: shutdown\n"), "\(run.stdout)")
    }

    @Test(arguments: [
        ("missing-operand.vmx", ":2:6: error: expected the VMXON-region address after 'vmxon'"),
        ("unknown-command.vmx", ":2:1: error: unknown command 'frobnicate'"),
        ("unaligned-quad.vmx", ":1:6: error: address 0x1004 is not 8-byte aligned"),
        ("bad-size.vmx", ":1:10: error: an I/O access has 1, 2 or 4 bytes, not 3"),
    ])
    func malformedScriptsAreLocated(file: String, message: String) throws {
        let path = Moat.inputs.appendingPathComponent("machine/\(file)").path
        let run = try Moat.run(["vmx", "run", path])
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix(path + message), "\(run.stderr)")
    }

    @Test func helpDocumentsTheCommands() throws {
        let top = try Moat.run(["--help"])
        #expect(top.stdout.contains("ept") && top.stdout.contains("vmx"))
        let translate = try Moat.run(["ept", "translate", "--help"])
        #expect(translate.stdout.contains("MAXPHYADDR 46") && translate.stdout.contains("--no-execute-only"))
        let run = try Moat.run(["vmx", "run", "--help"])
        #expect(run.stdout.contains("VMfailValid(n)") && run.stdout.contains("vmcs-region"))
    }
}
