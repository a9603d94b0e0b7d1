// The choke point between Swift and Z3's C API.
//
// Every `Z3_` call of the SMT module lives in this folder (Internal/), only
// here is CZ3 imported, and only here are there `unsafe` expressions (besides
// the one that stores a new context's pointer). The rules that keep a
// reference-counted context sound:
//
// - An object Z3 returns goes into a `Handle` before the next Z3 call that can
//   allocate. Reading the error code first is fine: it allocates nothing.
// - After a call, `pendingError()` reads Z3's error code (the default handler,
//   which prints and exits, is replaced by none).
// - A string Z3 returns is copied at once: its buffer is reused by the next call.
//
// The functions used by the rest of the module take and return `Term`,
// `Handle` and Swift values, never raw pointers.

internal import CZ3

// MARK: - Contexts and errors

extension Context {
    /// Creates a reference-counted Z3 context that reports errors by code.
    static func makeRawContext() throws(SMTError) -> OpaquePointer {
        guard let config = unsafe Z3_mk_config() else {
            throw SMTError(code: .memoryExhausted, message: "Z3 could not create a configuration")
        }
        defer { unsafe Z3_del_config(config) }
        guard let raw = unsafe Z3_mk_context_rc(config) else {
            throw SMTError(code: .memoryExhausted, message: "Z3 could not create a context")
        }
        // Without this, Z3 prints the error and calls exit(1).
        unsafe Z3_set_error_handler(raw, nil)
        return unsafe raw
    }

    /// Deletes the Z3 context; called once, when the last wrapper is gone.
    func deleteRawContext() {
        unsafe Z3_del_context(raw)
    }

    /// The error Z3 recorded for the last call, if there was one.
    ///
    /// Every Z3 API entry point resets the error code, so this reports on the
    /// call just made.
    func pendingError() -> SMTError? {
        let code = unsafe Z3_get_error_code(raw)
        guard code != Z3_OK else { return nil }
        let message = unsafe Context.copy(Z3_get_error_msg(raw, code)) ?? ""
        return SMTError(
            code: SMTError.Code(rawValue: Int32(code.rawValue)),
            message: message.trimmingTrailingWhitespace()
        )
    }

    /// Stops the program when Z3 reports an error for a call that Swift code
    /// made with arguments it had already checked: that error is a bug.
    func trapOnError(_ operation: @autoclosure () -> String) {
        if let error = pendingError() {
            preconditionFailure("SMT: Z3 rejected \(operation()): \(error.message)")
        }
    }

    /// Copies a string that Z3 returned, before its buffer is reused.
    static func copy(_ string: UnsafePointer<CChar>?) -> String? {
        guard let string = unsafe string else { return nil }
        return unsafe String(cString: string)
    }

    /// Makes a Z3 symbol from a name (symbols are not reference counted).
    ///
    /// Z3 represents the empty name by the null symbol, a null pointer.
    func symbol(_ name: String) -> OpaquePointer? {
        unsafe Z3_mk_string_symbol(raw, name)
    }

    /// The text of a symbol.
    func string(ofSymbol symbol: OpaquePointer) -> String {
        if unsafe Z3_get_symbol_kind(raw, symbol) == Z3_INT_SYMBOL {
            return "k!\(unsafe Z3_get_symbol_int(raw, symbol))"
        }
        return unsafe Context.copy(Z3_get_symbol_string(raw, symbol)) ?? ""
    }
}

// MARK: - Wrapping returned objects

extension Context {
    /// Runs a Z3 call that returns an object, takes a reference to the result
    /// at once, and throws the error Z3 reported, if any.
    func make(
        _ kind: Handle.Kind,
        _ call: (OpaquePointer) -> OpaquePointer?
    ) throws(SMTError) -> Handle {
        let result = unsafe call(raw)
        let error = pendingError()
        let handle = unsafe result.map { unsafe Handle(kind, $0, in: self) }
        if let error { throw error }
        guard let handle else {
            throw SMTError(code: .exception, message: "Z3 returned no result")
        }
        return handle
    }

    /// Runs a Z3 call that builds a term from arguments Swift code has already
    /// checked; an error from Z3 here is a bug and stops the program.
    func makeTerm(
        _ operation: @autoclosure () -> String,
        _ call: (OpaquePointer) -> OpaquePointer?
    ) -> Term {
        do {
            return Term(try unsafe make(.ast, call))
        } catch {
            preconditionFailure("SMT: Z3 rejected \(operation()): \(error.message)")
        }
    }

    /// Wraps a returned AST vector and copies its elements out as terms.
    func terms(ofVector vector: OpaquePointer) -> [Term] {
        let owner = unsafe Handle(.astVector, vector, in: self)
        let count = unsafe Z3_ast_vector_size(raw, owner.raw)
        var result: [Term] = []
        result.reserveCapacity(Int(count))
        for index in 0..<count {
            guard let element = unsafe Z3_ast_vector_get(raw, owner.raw, index) else { continue }
            result.append(Term(unsafe Handle(.ast, element, in: self)))
        }
        return result
    }

    /// Calls `body` with the raw ASTs of `terms`, as a C array.
    func withRawASTs<R>(
        _ terms: [Term],
        _ body: (UInt32, UnsafePointer<OpaquePointer?>?) -> R
    ) -> R {
        for term in terms {
            precondition(term.context === self, "SMT: a term from another context was passed to this one")
        }
        let raws: [OpaquePointer?] = unsafe terms.map { unsafe $0.raw }
        return unsafe raws.withUnsafeBufferPointer { buffer in
            unsafe body(UInt32(buffer.count), buffer.baseAddress)
        }
    }
}

extension Term {
    /// The `Z3_ast` of this term.
    var raw: OpaquePointer { unsafe handle.raw }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace {
            text.removeLast()
        }
        return String(text)
    }
}

// MARK: - Global parameters

extension Context {
    /// Sets a global Z3 parameter for every context created afterwards (and Z3's allocator).
    ///
    /// The corresponding C function is `Z3_global_param_set`.
    static func setGlobalParameter(_ name: String, _ value: String) {
        unsafe Z3_global_param_set(name, value)
    }
}
