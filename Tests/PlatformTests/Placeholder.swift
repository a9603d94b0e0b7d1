import Testing
@testable import Platform

@Test func smoke() throws {
    for f in ["models/two-guests.moat", "models/overlapping-mapping.moat"] {
        do {
            let (p, w) = try Platform.load(path: f)
            print(p.name, p.regions.count, p.partitions.map { $0.vtls.map { $0.mappings.map { "\($0.gpa) \($0.hpa) \($0.permissions)" } } }, p.properties.map(\.claim), w)
        } catch { print(error) }
    }
}
