/// An error that Z3 reported, with Z3's own message.
///
/// Errors come from input a user can get wrong, such as SMT-LIB text or a
/// solver logic name. Misuse by Swift code (terms of mismatched sorts, say)
/// is a programmer error and stops the program with a precondition failure
/// instead.
///
/// The corresponding C functions are `Z3_get_error_code` and `Z3_get_error_msg`.
public struct SMTError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of error Z3 reported (`Z3_error_code`).
    public var code: Code
    /// Z3's message, copied when the error was raised.
    public var message: String

    /// Creates an error with a code and a message.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String {
        "SMT error (\(code)): \(message)"
    }
}

extension SMTError {
    /// A Z3 error code, such as ``parserError``.
    ///
    /// The raw values are those of Z3's `Z3_error_code`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: Int32

        public init(rawValue: Int32) {
            self.rawValue = rawValue
        }

        /// An argument had the wrong sort (`Z3_SORT_ERROR`).
        public static var sortError: Code { Code(rawValue: 1) }
        /// An index was out of bounds (`Z3_IOB`).
        public static var indexOutOfBounds: Code { Code(rawValue: 2) }
        /// An argument was invalid, such as an unknown parameter or logic (`Z3_INVALID_ARG`).
        public static var invalidArgument: Code { Code(rawValue: 3) }
        /// SMT-LIB text could not be parsed (`Z3_PARSER_ERROR`).
        public static var parserError: Code { Code(rawValue: 4) }
        /// Parser output was not available (`Z3_NO_PARSER`).
        public static var noParser: Code { Code(rawValue: 5) }
        /// A quantifier pattern was invalid (`Z3_INVALID_PATTERN`).
        public static var invalidPattern: Code { Code(rawValue: 6) }
        /// Z3 ran out of memory (`Z3_MEMOUT_FAIL`).
        public static var memoryExhausted: Code { Code(rawValue: 7) }
        /// A file could not be accessed (`Z3_FILE_ACCESS_ERROR`).
        public static var fileAccessError: Code { Code(rawValue: 8) }
        /// Z3 hit an internal error (`Z3_INTERNAL_FATAL`).
        public static var internalFatal: Code { Code(rawValue: 9) }
        /// An API call was made in the wrong state (`Z3_INVALID_USAGE`).
        public static var invalidUsage: Code { Code(rawValue: 10) }
        /// A reference count was decremented too often (`Z3_DEC_REF_ERROR`).
        public static var decRefError: Code { Code(rawValue: 11) }
        /// Z3 raised an exception; the message says more (`Z3_EXCEPTION`).
        public static var exception: Code { Code(rawValue: 12) }

        public var description: String {
            switch self {
            case .sortError: "sort error"
            case .indexOutOfBounds: "index out of bounds"
            case .invalidArgument: "invalid argument"
            case .parserError: "parser error"
            case .noParser: "no parser"
            case .invalidPattern: "invalid pattern"
            case .memoryExhausted: "out of memory"
            case .fileAccessError: "file access error"
            case .internalFatal: "internal error"
            case .invalidUsage: "invalid usage"
            case .decRefError: "reference count error"
            case .exception: "exception"
            default: "code \(rawValue)"
            }
        }
    }
}
