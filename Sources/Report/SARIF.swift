/// The subset of SARIF 2.1.0 (OASIS, errata 01) that Moat writes, as Encodable values.
/// Field names follow the standard; optional fields are left out when nil.
enum SARIF {
    static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    struct Log: Encodable {
        var schema = SARIF.schemaURI
        var version = "2.1.0"
        var runs: [Run]

        enum CodingKeys: String, CodingKey {
            case schema = "$schema", version, runs
        }
    }

    struct Run: Encodable {
        var tool: Tool
        var invocations: [Invocation]
        var artifacts: [Artifact]
        var results: [Result]
        /// Moat counts columns in Unicode scalars.
        var columnKind = "unicodeCodePoints"
    }

    struct Tool: Encodable {
        var driver: Driver
    }

    struct Driver: Encodable {
        var name = "moat"
        var fullName: String
        var version: String
        var semanticVersion: String?
        var rules: [Rule]
    }

    struct Rule: Encodable {
        var id: String
        var name: String
        var shortDescription: Message
        var fullDescription: Message
        var help: Message
        var defaultConfiguration: Configuration
        var properties: RuleProperties?
    }

    struct RuleProperties: Encodable {
        var tags: [String]
    }

    struct Configuration: Encodable {
        var level: String
    }

    struct Message: Encodable {
        var text: String
    }

    struct Invocation: Encodable {
        var executionSuccessful: Bool
        var toolExecutionNotifications: [Notification]?
    }

    struct Notification: Encodable {
        var level: String
        var message: Message
        var locations: [Location]?
    }

    struct Artifact: Encodable {
        var location: ArtifactLocation
    }

    struct ArtifactLocation: Encodable {
        var uri: String
        var index: Int?
    }

    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var kind: String?
        var level: String
        var message: Message
        var locations: [Location]
        var codeFlows: [CodeFlow]?
        var partialFingerprints: [String: String]?
        var properties: ResultProperties?
    }

    struct Location: Encodable {
        var physicalLocation: PhysicalLocation?
        var message: Message?
    }

    struct PhysicalLocation: Encodable {
        var artifactLocation: ArtifactLocation
        var region: Region?
    }

    struct Region: Encodable {
        var startLine: Int
        var startColumn: Int
    }

    struct CodeFlow: Encodable {
        var message: Message?
        var threadFlows: [ThreadFlow]
    }

    struct ThreadFlow: Encodable {
        var locations: [ThreadFlowLocation]
    }

    struct ThreadFlowLocation: Encodable {
        var location: Location
        var executionOrder: Int
    }

    /// Moat's own fields of a result (SARIF's property bag).
    struct ResultProperties: Encodable {
        var property: String?
        var claim: String?
        var verdict: String?
        var attacker: String?
        var seconds: Double?
        var attackLength: Int?
        var replay: String?
        var blockingFacts: [String]?
        var certificate: String?
        var recheckQueries: Int?
        var reason: String?
    }

    /// A relative path as a relative URI reference, an absolute one as a `file://` URI;
    /// characters outside RFC 3986's unreserved set (and `/`) are percent-encoded.
    static func uri(forPath path: String) -> String {
        var encoded = ""
        for byte in path.utf8 {
            let c = Character(UnicodeScalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~/".contains(c)) {
                encoded.append(c)
            } else {
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
