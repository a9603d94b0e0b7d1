/// The kind of a memory access.
public enum Access: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case read
    case write
    /// An instruction fetch.
    case execute

    public var description: String { rawValue }

    /// The right this access needs.
    public var permission: Permissions {
        switch self {
        case .read: .read
        case .write: .write
        case .execute: .execute
        }
    }
}

/// One step of an attack, in the vocabulary of the platform rather than raw bytes. The
/// machine turns a step into concrete memory accesses and instructions and checks on its
/// own that each is allowed.
public struct Step: Hashable, Sendable, CustomStringConvertible {
    public enum Action: Hashable, Sendable {
        /// The actor accesses guest-physical `gpa` through its EPT; the checker expects it to reach `hpa`.
        /// `userMode` says the linear address is a user-mode one (selects XU under MBEC).
        case access(Access, gpa: UInt64, hpa: UInt64, userMode: Bool)
        /// A device accesses bus address `address` by DMA; the checker expects it to reach `hpa`.
        case dma(Access, address: UInt64, hpa: UInt64)
    }

    public var actor: Principal
    public var action: Action

    public init(actor: Principal, action: Action) {
        self.actor = actor
        self.action = action
    }

    public var description: String {
        switch action {
        case .access(let access, let gpa, let hpa, let user):
            "\(actor) \(access == .execute ? "fetches from" : access == .read ? "reads" : "writes") guest-physical \(hex(gpa)) → host-physical \(hex(hpa))\(user ? " (user-mode address)" : "")"
        case .dma(let access, let address, let hpa):
            "\(actor) DMA-\(access == .read ? "reads" : "writes") bus address \(hex(address)) → host-physical \(hex(hpa))"
        }
    }
}

/// The steps of an attack, in order, and the goal they reach.
public struct Trace: Hashable, Sendable {
    public var property: Property
    public var steps: [Step]

    public init(property: Property, steps: [Step]) {
        self.property = property
        self.steps = steps
    }
}
