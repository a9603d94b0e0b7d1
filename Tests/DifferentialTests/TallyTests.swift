import Testing

/// `Differential.Tally.add` sums the counters its `counters` list names: a counter added to the
/// struct but not to the list would silently stay at the first platform's count.
@Suite("Differential tally")
struct TallyTests {
    @Test func tallyNamesEveryCounter() {
        let stored = Mirror(reflecting: Differential.Tally()).children.filter { $0.value is Int }
        #expect(stored.count == Differential.Tally.counters.count)
        #expect(Set(Differential.Tally.counters).count == Differential.Tally.counters.count)
    }

    @Test func addSumsEveryCounter() {
        var a = Differential.Tally(), b = Differential.Tally()
        for (i, counter) in Differential.Tally.counters.enumerated() {
            a[keyPath: counter] = i + 1
            b[keyPath: counter] = 100 * (i + 1)
        }
        a.add(b)
        for (i, counter) in Differential.Tally.counters.enumerated() { #expect(a[keyPath: counter] == 101 * (i + 1)) }
    }
}
