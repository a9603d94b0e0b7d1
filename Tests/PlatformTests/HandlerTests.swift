import Testing
@testable import Platform

private let handlerPlatform = platform("""
      region hv.data  0x0020_0000 size 1M  owner hypervisor kind data
      region hv.stack 0x0030_0000 size 64K owner hypervisor kind stack
      region hv.free  0x0040_0000 size 64K kind free
      region comm     0x0050_0000 size 4K  kind comm-buffer
      region tseg     0x7F00_0000 size 8M  owner smm kind smram
      partition g { }
      partition r kind root { vtl 0 { } vtl 1 { } }
      device pci.nic assigned g
      hypervisor {
        scrub-on-free off
        hypercall 0x10 "copy" (dst, len) from g, r.vtl1, pci.nic { return dst + len }
        hypercall 0x11 comm comm from r (x) { return x }
        exit io 0x70..0x71 in "rtc" { return port + size + value }
        exit io 0x72 read { return 0 }
        exit io 0x73 out { return 0 }
        exit io 0x74 write { return 0 }
        exit io 0x75 { return 0 }
        exit msr 0xC000_0080 write { return msr + value }
        exit msr 0x4000_0000..0x4000_00FF in { return 0 }
        exit msr 0x10 out { return 0 }
        exit msr 0x11 { return 0 }
        exit mmio 0xFEC0_0000 size 4K write "ioapic" { return gpa + offset + size + value }
        exit mmio 0xFED0_0000 size 4K read { return 0 }
        exit mmio 0xFEE0_0000 size 4K { return 0 }
        exit cpuid { return leaf + subleaf }
      }
      smm {
        smram tseg
        smi 0x01 "callback" comm comm (fn, buf) from r { call fn }
        smi 0xFF { shutdown }
      }
    """)

@Suite("Handlers")
struct HandlerTests {
    @Test func triggersNamesParametersAndCallers() throws {
        let p = try #require(valid(handlerPlatform))
        #expect(!p.hypervisor.scrubOnFree)
        #expect(p.hypervisor.location.line == 10)
        let h = p.hypervisor.handlers
        #expect(h.map(\.trigger) == [
            .hypercall(0x10), .hypercall(0x11),
            .io(low: 0x70, high: 0x71, direction: .read), .io(low: 0x72, high: 0x72, direction: .read),
            .io(low: 0x73, high: 0x73, direction: .write), .io(low: 0x74, high: 0x74, direction: .write),
            .io(low: 0x75, high: 0x75, direction: .both),
            .msr(low: 0xC000_0080, high: 0xC000_0080, direction: .write), .msr(low: 0x4000_0000, high: 0x4000_00FF, direction: .read),
            .msr(low: 0x10, high: 0x10, direction: .write), .msr(low: 0x11, high: 0x11, direction: .both),
            .mmio(gpa: 0xFEC0_0000, size: 0x1000, direction: .write), .mmio(gpa: 0xFED0_0000, size: 0x1000, direction: .read),
            .mmio(gpa: 0xFEE0_0000, size: 0x1000, direction: .both),
            .cpuid,
        ])
        #expect(h[0].name == "copy" && h[0].parameters == ["dst", "len"])
        #expect(h[0].callers == [.vtl(partition: "g", level: 0), .vtl(partition: "r", level: 1), .device("pci.nic")])
        #expect(h[0].location.line == 12 && h[0].location.column == 5)
        #expect(h[0].title == "hypercall 0x10 \"copy\"")
        #expect(h[1].name == nil && h[1].commBuffer == "comm" && h[1].parameters == ["x"] && h[1].callers == [.vtl(partition: "r", level: 0)])
        #expect(h[2].name == "rtc" && h[2].title == "exit io 0x70..0x71 read \"rtc\"")
        #expect(h[14].callers.isEmpty)  // anyone

        let smm = try #require(p.smm)
        #expect(smm.handlers.map(\.trigger) == [.smi(0x01), .smi(0xFF)])
        #expect(smm.handlers[0].name == "callback" && smm.handlers[0].commBuffer == "comm")
        #expect(smm.handlers[0].parameters == ["fn", "buf"] && smm.handlers[0].callers == [.vtl(partition: "r", level: 0)])
        #expect(smm.handlers[1].body.map(\.kind) == [.effect(.shutdown)])
    }

    @Test(arguments: [
        (Trigger.hypercall(1), [String]()),
        (.smi(2), []),
        (.io(low: 1, high: 1, direction: .both), ["port", "size", "value"]),
        (.msr(low: 1, high: 1, direction: .both), ["msr", "value"]),
        (.mmio(gpa: 0, size: 1, direction: .both), ["gpa", "offset", "size", "value"]),
        (.cpuid, ["leaf", "subleaf"]),
    ])
    func implicitParameters(trigger: Trigger, names: [String]) {
        #expect(trigger.implicitParameters == names)
        #expect(Handler(trigger: trigger, parameters: ["p"]).allParameters == ["p"] + names)
    }

    @Test func implicitParametersAreInScope() throws {
        let p = try #require(valid(handlerPlatform))
        // Each exit handler's return expression reads only its implicit parameters, and validated.
        let returns = p.hypervisor.handlers.compactMap { h -> [String]? in
            guard case .effect(.returnValue(let e))? = h.body.first?.kind else { return nil }
            return e.names
        }
        #expect(returns[2] == ["port", "size", "value"])
        #expect(returns[7] == ["msr", "value"])
        #expect(returns[11] == ["gpa", "offset", "size", "value"])
        #expect(returns[14] == ["leaf", "subleaf"])
    }

    @Test func everyStatement() throws {
        let statements = try #require(body("""
            require a <= 0x1000
                let e = a + b
                if e < a { return 1 } else if e == a { return 2 } else { shutdown }
                copy from guest a to host hv.data len b
                copy host hv.data + 8 to result len 8
                write to guest c len d
                write result len 8
                leak-uninitialised from buf len 16 to guest a
                leak-uninitialized buf len 8 to result
                map g guest a size 4K -> host b rw
                map guest a size 4K -> host b r-x
                unmap g.vtl0 guest a size 4K
                unmap guest a size b
                set-protection g guest a size b r
                give buf to g at a
                give buf to g.vtl0 at a + 4K rwx
                call hv.data + a
                return e
            """))
        let kinds = statements.map(\.kind)
        #expect(kinds.count == 18)
        #expect(statements.map(\.location.line) == Array(6...23))
        #expect(statements.map(\.location.column) == [5] + Array(repeating: 5, count: 17))

        guard case .require(let r) = kinds[0] else { Issue.record("require"); return }
        #expect(r.sameShape(bin(.le, v("a"), n(0x1000))))
        guard case .assign("e", let e) = kinds[1] else { Issue.record("let"); return }
        #expect(e.sameShape(bin(.add, v("a"), v("b"))))
        guard case .conditional(let c, let then, let otherwise) = kinds[2] else { Issue.record("if"); return }
        #expect(c.sameShape(bin(.lt, v("e"), v("a"))))
        guard case .effect(.returnValue(let one))? = then.first?.kind, then.count == 1 else { Issue.record("then"); return }
        #expect(one.sameShape(n(1)))
        guard case .conditional(let c2, let then2, let else2) = otherwise.first?.kind, otherwise.count == 1 else { Issue.record("else if"); return }
        #expect(c2.sameShape(bin(.eq, v("e"), v("a"))))
        #expect(then2.count == 1 && else2.map(\.kind) == [.effect(.shutdown)])

        let g0 = Principal.vtl(partition: "g", level: 0)
        guard case .effect(.copy(.guest(let s1), .host(let d1), let l1)) = kinds[3] else { Issue.record("copy"); return }
        #expect(s1.sameShape(v("a")) && d1.sameShape(Expr(.regionBase("hv.data"))) && l1.sameShape(v("b")))
        guard case .effect(.copy(.host(let s2), .result, let l2)) = kinds[4] else { Issue.record("copy to result"); return }
        #expect(s2.sameShape(bin(.add, Expr(.regionBase("hv.data")), n(8))) && l2.sameShape(n(8)))
        guard case .effect(.write(.guest(let w1), let wl1)) = kinds[5] else { Issue.record("write"); return }
        #expect(w1.sameShape(v("c")) && wl1.sameShape(v("d")))
        guard case .effect(.write(.result, _)) = kinds[6] else { Issue.record("write result"); return }
        guard case .effect(.leakUninitialised(region: "buf", let ll, .guest(let lt))) = kinds[7] else { Issue.record("leak"); return }
        #expect(ll.sameShape(n(16)) && lt.sameShape(v("a")))
        guard case .effect(.leakUninitialised(region: "buf", _, .result)) = kinds[8] else { Issue.record("leak US"); return }
        guard case .effect(.map(let mp, let mg, let ms, let mh, let mr)) = kinds[9] else { Issue.record("map"); return }
        #expect(mp == g0 && mg.sameShape(v("a")) && ms.sameShape(n(4096)) && mh.sameShape(v("b")) && mr == [.read, .write])
        guard case .effect(.map(nil, _, _, _, let mr2)) = kinds[10] else { Issue.record("map caller"); return }
        #expect(mr2 == [.read, .execute])
        guard case .effect(.unmap(g0, _, _)) = kinds[11] else { Issue.record("unmap"); return }
        guard case .effect(.unmap(nil, _, let us)) = kinds[12] else { Issue.record("unmap caller"); return }
        #expect(us.sameShape(v("b")))
        guard case .effect(.setProtection(g0, _, _, .read)) = kinds[13] else { Issue.record("set-protection"); return }
        guard case .effect(.give(region: "buf", to: g0, gpa: let gg, permissions: [.read, .write])) = kinds[14] else { Issue.record("give"); return }
        #expect(gg.sameShape(v("a")))
        guard case .effect(.give(region: "buf", to: g0, gpa: _, permissions: .rwx)) = kinds[15] else { Issue.record("give rights"); return }
        guard case .effect(.call(let target)) = kinds[16] else { Issue.record("call"); return }
        #expect(target.sameShape(bin(.add, Expr(.regionBase("hv.data")), v("a"))))
        guard case .effect(.returnValue(let rv)) = kinds[17] else { Issue.record("return"); return }
        #expect(rv.sameShape(v("e")))
    }

    @Test func principalsInEffectsResolve() throws {
        let statements = try #require(body("""
            map hypervisor guest a size 4K -> host b rw
                map pci.nic guest a size 4K -> host b rw
                set-protection v.vtl0 guest a size 4K none
                give buf to v.vtl1 at a
            """, extra: "partition v { vtl 0 { } vtl 1 { } }\ndevice pci.nic assigned g"))
        guard case .effect(.map(.hypervisor?, _, _, _, _)) = statements[0].kind else { Issue.record("hypervisor"); return }
        guard case .effect(.map(.device("pci.nic")?, _, _, _, _)) = statements[1].kind else { Issue.record("device"); return }
        guard case .effect(.setProtection(.vtl(partition: "v", level: 0), _, _, .none)) = statements[2].kind else { Issue.record("vtl0"); return }
        guard case .effect(.give(_, .vtl(partition: "v", level: 1), _, _)) = statements[3].kind else { Issue.record("vtl1"); return }
    }

    @Test func letNamesStayInsideTheirBranch() {
        let outcome = Outcome(hypercall("if a < b { let t = a } else { let t = b }\n    return t"))
        #expect(outcome.errors.count == 1)
        #expect(outcome.has(line: 7, column: 12, "unknown name 't' in hypercall 0x1 \"h\"; expected a parameter (a, b, c, d) or a region"))
    }

    @Test func aLetIsVisibleAfterItAndLaterLetsSeeEarlierOnes() throws {
        let statements = try #require(body("let x = a\n    let y = x + 1\n    return y * x"))
        #expect(statements.count == 3)
    }
}
