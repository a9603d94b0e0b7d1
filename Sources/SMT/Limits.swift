/// Process-wide limits of the solver.
public enum SMTLimits {
    /// Caps the memory Z3 may allocate, in megabytes: past it, checks answer `unknown`
    /// instead of exhausting the machine. Applies to the whole process.
    ///
    /// The corresponding C function is `Z3_global_param_set` with `memory_max_size`.
    public static func setMemoryLimit(megabytes: Int) {
        Context.setGlobalParameter("memory_max_size", String(max(1, megabytes)))
    }
}
