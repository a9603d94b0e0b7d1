import Platform
@testable import Machine

/// Parses a `.moat` model that must be valid.
func platform(_ source: String, file: String = "test.moat") -> Platform {
    do {
        return try Platform.parse(source, file: file).platform
    } catch {
        fatalError("test model does not parse:\n\(error)")
    }
}

/// Builds the machine of a model that must build.
func machine(_ source: String) -> PlatformMachine {
    do {
        return try PlatformMachine(platform: platform(source))
    } catch {
        fatalError("test machine does not build: \(error)")
    }
}

/// The two-guests model of `models/two-guests.moat`, small.
let twoGuests = """
    platform "two guests" {
      cpu { maxphyaddr 39 }
      region hv.code    0x0010_0000 size 1M   owner hypervisor kind code
      region hv.data    0x0020_0000 size 2M   owner hypervisor kind data secret
      region g1.ept     0x0050_0000 size 64K  owner hypervisor kind page-tables
      region g1.vmcs    0x0052_0000 size 4K   owner hypervisor kind vmcs
      region g1.io      0x0053_0000 size 8K   owner hypervisor kind io-bitmap
      region g1.msr     0x0053_4000 size 4K   owner hypervisor kind msr-bitmap
      region g1.ram     0x1000_0000 size 16M  owner guest1 kind ram secret
      region g2.ram     0x2000_0000 size 16M  owner guest2 kind ram secret

      partition guest1 kind guest {
        ept in g1.ept
        map 0x0 size 16M -> g1.ram rwx page 2M
        vmcs in g1.vmcs {
          io-bitmap in g1.io
          msr-bitmap in g1.msr
          io pass 0x60..0x64
          msr pass read 0x10
        }
      }
      partition guest2 kind guest {
        map 0x0 size 16M -> g2.ram rwx page 2M
      }
    }
    property "guest1 cannot read guest2" { guest1 cannot read guest2 }
    """

/// Replays steps on a model with the given attacker and goal.
func replay(_ source: String, _ attacker: Principal, _ goal: Goal, _ steps: [Step]) -> (validation: Validation, machine: PlatformMachine?) {
    let trace = Trace(property: Property(name: "test", attacker: attacker, goal: goal), steps: steps)
    return Replayer(platform: platform(source)).run(trace)
}

extension Validation {
    var isConfirmed: Bool {
        if case .confirmed = self { return true }
        return false
    }

    /// The refuted step, if refuted.
    var refutedStep: Int? {
        if case .refuted(let step, _) = self { return step }
        return nil
    }

    var text: String {
        switch self {
        case .confirmed(let evidence): "confirmed: " + evidence.joined(separator: " | ")
        case .refuted(let step, let reason): "refuted at \(step): \(reason)"
        }
    }
}

let guest1 = Principal.partition("guest1")
let guest2 = Principal.partition("guest2")

/// A step by an actor.
func step(_ actor: Principal, _ action: Step.Action) -> Step { Step(actor: actor, action: action) }
