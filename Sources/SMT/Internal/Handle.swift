internal import CZ3
import Synchronization

/// Process-wide number of live wrapper handles: contexts plus every Z3 object
/// that a ``Handle`` holds a reference to.
let liveHandles = Atomic<Int>(0)

/// Owns one reference to a reference-counted Z3 object.
///
/// The initializer takes the reference (`Z3_inc_ref` and friends) and `deinit`
/// gives it back, so the object lives exactly as long as this handle. A handle
/// holds its context strongly, so the context outlives every object in it.
///
/// Create a handle the moment Z3 returns an object, before any other call that
/// could allocate: an unreferenced object of a reference-counted context may be
/// freed by the next call.
@safe
final class Handle {
    /// Which reference-counting functions apply to ``raw``.
    enum Kind {
        /// Terms, sorts and function declarations (all of them Z3 ASTs).
        case ast
        case solver
        case model
        case params
        case astVector
        case fixedpoint
    }

    let context: Context
    let kind: Kind
    let raw: OpaquePointer

    init(_ kind: Kind, _ raw: OpaquePointer, in context: Context) {
        self.context = context
        self.kind = kind
        unsafe self.raw = raw
        let c = unsafe context.raw
        // Sorts and declarations are passed here as they are: `Z3_sort_to_ast`
        // and `Z3_func_decl_to_ast` are casts of the same pointer.
        switch kind {
        case .ast: unsafe Z3_inc_ref(c, raw)
        case .solver: unsafe Z3_solver_inc_ref(c, raw)
        case .model: unsafe Z3_model_inc_ref(c, raw)
        case .params: unsafe Z3_params_inc_ref(c, raw)
        case .astVector: unsafe Z3_ast_vector_inc_ref(c, raw)
        case .fixedpoint: unsafe Z3_fixedpoint_inc_ref(c, raw)
        }
        context.ownedHandles += 1
        liveHandles.add(1, ordering: .relaxed)
    }

    deinit {
        let c = unsafe context.raw
        switch kind {
        case .ast: unsafe Z3_dec_ref(c, raw)
        case .solver: unsafe Z3_solver_dec_ref(c, raw)
        case .model: unsafe Z3_model_dec_ref(c, raw)
        case .params: unsafe Z3_params_dec_ref(c, raw)
        case .astVector: unsafe Z3_ast_vector_dec_ref(c, raw)
        case .fixedpoint: unsafe Z3_fixedpoint_dec_ref(c, raw)
        }
        context.ownedHandles -= 1
        liveHandles.subtract(1, ordering: .relaxed)
    }
}

@available(*, unavailable)
extension Handle: Sendable {}
