import Testing

@Test func placeholderSMTTests() { #expect(Bool(true)) }
