import Platform

/// What `moat check` learned about one model file: the platform and its results, or the
/// diagnostics that stopped it from loading. Renderers take a list of these.
public struct ModelRun: Sendable {
    /// The file as the user named it.
    public var file: String
    /// The validated platform; `nil` when the file did not load.
    public var platform: Platform?
    /// Warnings of a model that loaded, or every diagnostic of one that did not.
    public var diagnostics: [Diagnostic]
    /// One result per property, in the order they were checked.
    public var results: [PropertyResult]

    public init(file: String, platform: Platform?, diagnostics: [Diagnostic] = [], results: [PropertyResult] = []) {
        self.file = file
        self.platform = platform
        self.diagnostics = diagnostics
        self.results = results
    }

    /// A model that loaded and was checked.
    public init(platform: Platform, warnings: [Diagnostic] = [], results: [PropertyResult]) {
        self.init(file: platform.file, platform: platform, diagnostics: warnings, results: results)
    }

    /// Whether the file loaded.
    public var isValid: Bool { platform != nil }
}

/// How many properties got each verdict.
public struct VerdictCounts: Hashable, Sendable, Encodable {
    public var properties = 0
    public var proved = 0
    public var attacks = 0
    public var unknown = 0

    public init(_ results: some Sequence<PropertyResult>) {
        for result in results {
            properties += 1
            switch result.verdict {
            case .proved: proved += 1
            case .attack: attacks += 1
            case .unknown: unknown += 1
            }
        }
    }
}
