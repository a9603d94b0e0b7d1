import Platform

/// Address-range atoms: the paths of one principal merged into maximal intervals on which the
/// translation, the rights and everything else the checker reads stay the same (as Delta-net and
/// atomic-predicate verifiers split header space). A platform mapped in thousands of fragments
/// then costs the checker one path per atom, not one per mapping or per page.
enum Atoms {
    /// Merges runs of paths that continue each other: adjacent in the principal's own space and in
    /// host-physical space (one linear translation), with the same medium, rights and provenance.
    /// Paths that stand alone keep their own fact; a merged atom names its first fact and the count.
    static func merge(_ paths: [AccessPath]) -> [AccessPath] {
        guard paths.count > 1 else { return paths }
        var result: [AccessPath] = []
        result.reserveCapacity(paths.count)
        var run = 1
        func close() {
            guard run > 1, var last = result.popLast() else { return }
            last.fact += " (with the \(run - 1) adjacent mapping\(run == 2 ? "" : "s") that continue it: one atom of \(hex(last.size)) bytes)"
            result.append(last)
        }
        for path in paths {
            if var last = result.last, continues(last, with: path) {
                last.size += path.size
                result[result.count - 1] = last
                run += 1
            } else {
                close()
                run = 1
                result.append(path)
            }
        }
        close()
        return result
    }

    private static func continues(_ a: AccessPath, with b: AccessPath) -> Bool {
        a.base &+ a.size == b.base && a.hpa &+ a.size == b.hpa && a.base &+ a.size > a.base && a.hpa &+ a.size > a.hpa
            && a.rights == b.rights && a.medium == b.medium && a.prefix == b.prefix && a.handoff == b.handoff && a.through == b.through
    }
}

extension Atoms {
    /// Above this many paths, queries are sliced to the paths that can matter and explanations
    /// summarise the others; below it every path is named (small models read as before).
    static let sliceThreshold = 32

    /// Whether a query over `count` paths (and target ranges) is sliced under these options.
    static func slices(_ count: Int, _ options: CheckOptions) -> Bool {
        options.atoms && count > sliceThreshold
    }
}
