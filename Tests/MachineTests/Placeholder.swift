import Testing

@Test func placeholderMachineTests() { #expect(Bool(true)) }
