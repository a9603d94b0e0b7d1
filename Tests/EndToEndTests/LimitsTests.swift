import Foundation
import Testing

/// A limit that is reached makes a property unknown (exit status 3), never proved.
@Suite struct LimitsTests {
    @Test func aSpentTimeLimitMakesEveryPropertyUnknown() throws {
        let run = try Moat.run(["check", "--timeout", "0.000001", "models/two-guests.moat"])
        #expect(run.status == 3)
        #expect(run.stdout.contains("8 properties: 0 proved, 0 attacks, 8 unknown"))
        #expect(run.stdout.contains("the time limit of 1e-06 s was reached"))
    }

    @Test func aSpentMemoryLimitMakesEveryPropertyUnknown() throws {
        let run = try Moat.run(["check", "--max-memory", "16", "models/two-guests.moat"])
        #expect(run.status == 3)
        #expect(run.stdout.contains("the memory limit of 16 MiB was reached"))
        #expect(!run.stdout.contains("  proved "))
    }

    @Test func badLimitsAreUsageErrors() throws {
        #expect(try Moat.run(["check", "--timeout", "0", "models/two-guests.moat"]).status == 2)
        #expect(try Moat.run(["check", "--max-memory", "1", "models/two-guests.moat"]).status == 2)
    }
}
