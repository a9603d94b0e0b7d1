import Testing

@Test func placeholderSMT() { #expect(Bool(true)) }
