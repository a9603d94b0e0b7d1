import Testing

@Test func placeholderCheckerTests() { #expect(Bool(true)) }
