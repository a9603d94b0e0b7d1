// The VMCS field encodings of DOMAIN.md §3.2 (LNX-VMX `enum vmcs_field`, cross-checked
// with KUT `enum Encoding`). 64-bit fields are listed once; their high halves
// (encoding + 1) are supported too.
extension VMCSField {
    /// 0x0000: virtual-processor identifier.
    public static let vpid = VMCSField(rawValue: 0x0000)
    /// 0x0002: posted-interrupt notification vector.
    public static let postedInterruptNotificationVector = VMCSField(rawValue: 0x0002)
    /// 0x0004: EPTP index.
    public static let eptpIndex = VMCSField(rawValue: 0x0004)
    /// 0x0800: guest ES selector.
    public static let guestESSelector = VMCSField(rawValue: 0x0800)
    /// 0x0802: guest CS selector.
    public static let guestCSSelector = VMCSField(rawValue: 0x0802)
    /// 0x0804: guest SS selector.
    public static let guestSSSelector = VMCSField(rawValue: 0x0804)
    /// 0x0806: guest DS selector.
    public static let guestDSSelector = VMCSField(rawValue: 0x0806)
    /// 0x0808: guest FS selector.
    public static let guestFSSelector = VMCSField(rawValue: 0x0808)
    /// 0x080A: guest GS selector.
    public static let guestGSSelector = VMCSField(rawValue: 0x080A)
    /// 0x080C: guest LDTR selector.
    public static let guestLDTRSelector = VMCSField(rawValue: 0x080C)
    /// 0x080E: guest TR selector.
    public static let guestTRSelector = VMCSField(rawValue: 0x080E)
    /// 0x0810: guest interrupt status.
    public static let guestInterruptStatus = VMCSField(rawValue: 0x0810)
    /// 0x0812: PML index.
    public static let pmlIndex = VMCSField(rawValue: 0x0812)
    /// 0x0C00: host ES selector.
    public static let hostESSelector = VMCSField(rawValue: 0x0C00)
    /// 0x0C02: host CS selector.
    public static let hostCSSelector = VMCSField(rawValue: 0x0C02)
    /// 0x0C04: host SS selector.
    public static let hostSSSelector = VMCSField(rawValue: 0x0C04)
    /// 0x0C06: host DS selector.
    public static let hostDSSelector = VMCSField(rawValue: 0x0C06)
    /// 0x0C08: host FS selector.
    public static let hostFSSelector = VMCSField(rawValue: 0x0C08)
    /// 0x0C0A: host GS selector.
    public static let hostGSSelector = VMCSField(rawValue: 0x0C0A)
    /// 0x0C0C: host TR selector.
    public static let hostTRSelector = VMCSField(rawValue: 0x0C0C)
    /// 0x2000: I/O bitmap A address.
    public static let ioBitmapA = VMCSField(rawValue: 0x2000)
    /// 0x2002: I/O bitmap B address.
    public static let ioBitmapB = VMCSField(rawValue: 0x2002)
    /// 0x2004: MSR-bitmap address.
    public static let msrBitmap = VMCSField(rawValue: 0x2004)
    /// 0x2006: VM-exit MSR-store address.
    public static let exitMSRStoreAddress = VMCSField(rawValue: 0x2006)
    /// 0x2008: VM-exit MSR-load address.
    public static let exitMSRLoadAddress = VMCSField(rawValue: 0x2008)
    /// 0x200A: VM-entry MSR-load address.
    public static let entryMSRLoadAddress = VMCSField(rawValue: 0x200A)
    /// 0x200C: executive-VMCS pointer.
    public static let executiveVMCSPointer = VMCSField(rawValue: 0x200C)
    /// 0x200E: PML address.
    public static let pmlAddress = VMCSField(rawValue: 0x200E)
    /// 0x2010: TSC offset.
    public static let tscOffset = VMCSField(rawValue: 0x2010)
    /// 0x2012: virtual-APIC address.
    public static let virtualAPICAddress = VMCSField(rawValue: 0x2012)
    /// 0x2014: APIC-access address.
    public static let apicAccessAddress = VMCSField(rawValue: 0x2014)
    /// 0x2016: posted-interrupt descriptor address.
    public static let postedInterruptDescriptor = VMCSField(rawValue: 0x2016)
    /// 0x2018: VM-function controls.
    public static let vmFunctionControls = VMCSField(rawValue: 0x2018)
    /// 0x201A: EPT pointer.
    public static let eptPointer = VMCSField(rawValue: 0x201A)
    /// 0x201C: EOI-exit bitmap 0.
    public static let eoiExitBitmap0 = VMCSField(rawValue: 0x201C)
    /// 0x201E: EOI-exit bitmap 1.
    public static let eoiExitBitmap1 = VMCSField(rawValue: 0x201E)
    /// 0x2020: EOI-exit bitmap 2.
    public static let eoiExitBitmap2 = VMCSField(rawValue: 0x2020)
    /// 0x2022: EOI-exit bitmap 3.
    public static let eoiExitBitmap3 = VMCSField(rawValue: 0x2022)
    /// 0x2024: EPTP-list address.
    public static let eptpListAddress = VMCSField(rawValue: 0x2024)
    /// 0x2026: VMREAD-bitmap address.
    public static let vmreadBitmap = VMCSField(rawValue: 0x2026)
    /// 0x2028: VMWRITE-bitmap address.
    public static let vmwriteBitmap = VMCSField(rawValue: 0x2028)
    /// 0x202A: virtualization-exception information address.
    public static let veInformationAddress = VMCSField(rawValue: 0x202A)
    /// 0x202C: XSS-exiting bitmap.
    public static let xssExitingBitmap = VMCSField(rawValue: 0x202C)
    /// 0x202E: ENCLS-exiting bitmap.
    public static let enclsExitingBitmap = VMCSField(rawValue: 0x202E)
    /// 0x2032: TSC multiplier.
    public static let tscMultiplier = VMCSField(rawValue: 0x2032)
    /// 0x2034: tertiary processor-based VM-execution controls.
    public static let tertiaryProcessorControls = VMCSField(rawValue: 0x2034)
    /// 0x2042: PID-pointer table address.
    public static let pidPointerTable = VMCSField(rawValue: 0x2042)
    /// 0x2044: secondary VM-exit controls.
    public static let secondaryExitControls = VMCSField(rawValue: 0x2044)
    /// 0x2400: guest-physical address.
    public static let guestPhysicalAddress = VMCSField(rawValue: 0x2400)
    /// 0x2800: VMCS link pointer.
    public static let vmcsLinkPointer = VMCSField(rawValue: 0x2800)
    /// 0x2802: guest IA32_DEBUGCTL.
    public static let guestDebugCtl = VMCSField(rawValue: 0x2802)
    /// 0x2804: guest IA32_PAT.
    public static let guestPAT = VMCSField(rawValue: 0x2804)
    /// 0x2806: guest IA32_EFER.
    public static let guestEFER = VMCSField(rawValue: 0x2806)
    /// 0x2808: guest IA32_PERF_GLOBAL_CTRL.
    public static let guestPerfGlobalCtrl = VMCSField(rawValue: 0x2808)
    /// 0x280A: guest PDPTE0.
    public static let guestPDPTE0 = VMCSField(rawValue: 0x280A)
    /// 0x280C: guest PDPTE1.
    public static let guestPDPTE1 = VMCSField(rawValue: 0x280C)
    /// 0x280E: guest PDPTE2.
    public static let guestPDPTE2 = VMCSField(rawValue: 0x280E)
    /// 0x2810: guest PDPTE3.
    public static let guestPDPTE3 = VMCSField(rawValue: 0x2810)
    /// 0x2812: guest IA32_BNDCFGS.
    public static let guestBNDCFGS = VMCSField(rawValue: 0x2812)
    /// 0x2C00: host IA32_PAT.
    public static let hostPAT = VMCSField(rawValue: 0x2C00)
    /// 0x2C02: host IA32_EFER.
    public static let hostEFER = VMCSField(rawValue: 0x2C02)
    /// 0x2C04: host IA32_PERF_GLOBAL_CTRL.
    public static let hostPerfGlobalCtrl = VMCSField(rawValue: 0x2C04)
    /// 0x4000: pin-based VM-execution controls.
    public static let pinBasedControls = VMCSField(rawValue: 0x4000)
    /// 0x4002: primary processor-based VM-execution controls.
    public static let primaryProcessorControls = VMCSField(rawValue: 0x4002)
    /// 0x4004: exception bitmap.
    public static let exceptionBitmap = VMCSField(rawValue: 0x4004)
    /// 0x4006: page-fault error-code mask.
    public static let pageFaultErrorCodeMask = VMCSField(rawValue: 0x4006)
    /// 0x4008: page-fault error-code match.
    public static let pageFaultErrorCodeMatch = VMCSField(rawValue: 0x4008)
    /// 0x400A: CR3-target count.
    public static let cr3TargetCount = VMCSField(rawValue: 0x400A)
    /// 0x400C: VM-exit controls.
    public static let exitControls = VMCSField(rawValue: 0x400C)
    /// 0x400E: VM-exit MSR-store count.
    public static let exitMSRStoreCount = VMCSField(rawValue: 0x400E)
    /// 0x4010: VM-exit MSR-load count.
    public static let exitMSRLoadCount = VMCSField(rawValue: 0x4010)
    /// 0x4012: VM-entry controls.
    public static let entryControls = VMCSField(rawValue: 0x4012)
    /// 0x4014: VM-entry MSR-load count.
    public static let entryMSRLoadCount = VMCSField(rawValue: 0x4014)
    /// 0x4016: VM-entry interruption-information field.
    public static let entryInterruptionInformation = VMCSField(rawValue: 0x4016)
    /// 0x4018: VM-entry exception error code.
    public static let entryExceptionErrorCode = VMCSField(rawValue: 0x4018)
    /// 0x401A: VM-entry instruction length.
    public static let entryInstructionLength = VMCSField(rawValue: 0x401A)
    /// 0x401C: TPR threshold.
    public static let tprThreshold = VMCSField(rawValue: 0x401C)
    /// 0x401E: secondary processor-based VM-execution controls.
    public static let secondaryProcessorControls = VMCSField(rawValue: 0x401E)
    /// 0x4020: PLE gap.
    public static let pleGap = VMCSField(rawValue: 0x4020)
    /// 0x4022: PLE window.
    public static let pleWindow = VMCSField(rawValue: 0x4022)
    /// 0x4024: notify window.
    public static let notifyWindow = VMCSField(rawValue: 0x4024)
    /// 0x4400: VM-instruction error.
    public static let vmInstructionError = VMCSField(rawValue: 0x4400)
    /// 0x4402: exit reason.
    public static let exitReason = VMCSField(rawValue: 0x4402)
    /// 0x4404: VM-exit interruption information.
    public static let exitInterruptionInformation = VMCSField(rawValue: 0x4404)
    /// 0x4406: VM-exit interruption error code.
    public static let exitInterruptionErrorCode = VMCSField(rawValue: 0x4406)
    /// 0x4408: IDT-vectoring information.
    public static let idtVectoringInformation = VMCSField(rawValue: 0x4408)
    /// 0x440A: IDT-vectoring error code.
    public static let idtVectoringErrorCode = VMCSField(rawValue: 0x440A)
    /// 0x440C: VM-exit instruction length.
    public static let exitInstructionLength = VMCSField(rawValue: 0x440C)
    /// 0x440E: VM-exit instruction information.
    public static let vmxInstructionInformation = VMCSField(rawValue: 0x440E)
    /// 0x4800: guest ES limit.
    public static let guestESLimit = VMCSField(rawValue: 0x4800)
    /// 0x4802: guest CS limit.
    public static let guestCSLimit = VMCSField(rawValue: 0x4802)
    /// 0x4804: guest SS limit.
    public static let guestSSLimit = VMCSField(rawValue: 0x4804)
    /// 0x4806: guest DS limit.
    public static let guestDSLimit = VMCSField(rawValue: 0x4806)
    /// 0x4808: guest FS limit.
    public static let guestFSLimit = VMCSField(rawValue: 0x4808)
    /// 0x480A: guest GS limit.
    public static let guestGSLimit = VMCSField(rawValue: 0x480A)
    /// 0x480C: guest LDTR limit.
    public static let guestLDTRLimit = VMCSField(rawValue: 0x480C)
    /// 0x480E: guest TR limit.
    public static let guestTRLimit = VMCSField(rawValue: 0x480E)
    /// 0x4810: guest GDTR limit.
    public static let guestGDTRLimit = VMCSField(rawValue: 0x4810)
    /// 0x4812: guest IDTR limit.
    public static let guestIDTRLimit = VMCSField(rawValue: 0x4812)
    /// 0x4814: guest ES access rights.
    public static let guestESAccessRights = VMCSField(rawValue: 0x4814)
    /// 0x4816: guest CS access rights.
    public static let guestCSAccessRights = VMCSField(rawValue: 0x4816)
    /// 0x4818: guest SS access rights.
    public static let guestSSAccessRights = VMCSField(rawValue: 0x4818)
    /// 0x481A: guest DS access rights.
    public static let guestDSAccessRights = VMCSField(rawValue: 0x481A)
    /// 0x481C: guest FS access rights.
    public static let guestFSAccessRights = VMCSField(rawValue: 0x481C)
    /// 0x481E: guest GS access rights.
    public static let guestGSAccessRights = VMCSField(rawValue: 0x481E)
    /// 0x4820: guest LDTR access rights.
    public static let guestLDTRAccessRights = VMCSField(rawValue: 0x4820)
    /// 0x4822: guest TR access rights.
    public static let guestTRAccessRights = VMCSField(rawValue: 0x4822)
    /// 0x4824: guest interruptibility state.
    public static let guestInterruptibility = VMCSField(rawValue: 0x4824)
    /// 0x4826: guest activity state.
    public static let guestActivityState = VMCSField(rawValue: 0x4826)
    /// 0x4828: guest SMBASE.
    public static let guestSMBASE = VMCSField(rawValue: 0x4828)
    /// 0x482A: guest IA32_SYSENTER_CS.
    public static let guestSysenterCS = VMCSField(rawValue: 0x482A)
    /// 0x482E: VMX-preemption timer value.
    public static let preemptionTimerValue = VMCSField(rawValue: 0x482E)
    /// 0x4C00: host IA32_SYSENTER_CS.
    public static let hostSysenterCS = VMCSField(rawValue: 0x4C00)
    /// 0x6000: CR0 guest/host mask.
    public static let cr0GuestHostMask = VMCSField(rawValue: 0x6000)
    /// 0x6002: CR4 guest/host mask.
    public static let cr4GuestHostMask = VMCSField(rawValue: 0x6002)
    /// 0x6004: CR0 read shadow.
    public static let cr0ReadShadow = VMCSField(rawValue: 0x6004)
    /// 0x6006: CR4 read shadow.
    public static let cr4ReadShadow = VMCSField(rawValue: 0x6006)
    /// 0x6008: CR3-target value 0.
    public static let cr3Target0 = VMCSField(rawValue: 0x6008)
    /// 0x600A: CR3-target value 1.
    public static let cr3Target1 = VMCSField(rawValue: 0x600A)
    /// 0x600C: CR3-target value 2.
    public static let cr3Target2 = VMCSField(rawValue: 0x600C)
    /// 0x600E: CR3-target value 3.
    public static let cr3Target3 = VMCSField(rawValue: 0x600E)
    /// 0x6400: exit qualification.
    public static let exitQualification = VMCSField(rawValue: 0x6400)
    /// 0x6402: I/O RCX.
    public static let ioRCX = VMCSField(rawValue: 0x6402)
    /// 0x6404: I/O RSI.
    public static let ioRSI = VMCSField(rawValue: 0x6404)
    /// 0x6406: I/O RDI.
    public static let ioRDI = VMCSField(rawValue: 0x6406)
    /// 0x6408: I/O RIP.
    public static let ioRIP = VMCSField(rawValue: 0x6408)
    /// 0x640A: guest-linear address.
    public static let guestLinearAddress = VMCSField(rawValue: 0x640A)
    /// 0x6800: guest CR0.
    public static let guestCR0 = VMCSField(rawValue: 0x6800)
    /// 0x6802: guest CR3.
    public static let guestCR3 = VMCSField(rawValue: 0x6802)
    /// 0x6804: guest CR4.
    public static let guestCR4 = VMCSField(rawValue: 0x6804)
    /// 0x6806: guest ES base.
    public static let guestESBase = VMCSField(rawValue: 0x6806)
    /// 0x6808: guest CS base.
    public static let guestCSBase = VMCSField(rawValue: 0x6808)
    /// 0x680A: guest SS base.
    public static let guestSSBase = VMCSField(rawValue: 0x680A)
    /// 0x680C: guest DS base.
    public static let guestDSBase = VMCSField(rawValue: 0x680C)
    /// 0x680E: guest FS base.
    public static let guestFSBase = VMCSField(rawValue: 0x680E)
    /// 0x6810: guest GS base.
    public static let guestGSBase = VMCSField(rawValue: 0x6810)
    /// 0x6812: guest LDTR base.
    public static let guestLDTRBase = VMCSField(rawValue: 0x6812)
    /// 0x6814: guest TR base.
    public static let guestTRBase = VMCSField(rawValue: 0x6814)
    /// 0x6816: guest GDTR base.
    public static let guestGDTRBase = VMCSField(rawValue: 0x6816)
    /// 0x6818: guest IDTR base.
    public static let guestIDTRBase = VMCSField(rawValue: 0x6818)
    /// 0x681A: guest DR7.
    public static let guestDR7 = VMCSField(rawValue: 0x681A)
    /// 0x681C: guest RSP.
    public static let guestRSP = VMCSField(rawValue: 0x681C)
    /// 0x681E: guest RIP.
    public static let guestRIP = VMCSField(rawValue: 0x681E)
    /// 0x6820: guest RFLAGS.
    public static let guestRFLAGS = VMCSField(rawValue: 0x6820)
    /// 0x6822: guest pending debug exceptions.
    public static let guestPendingDebugExceptions = VMCSField(rawValue: 0x6822)
    /// 0x6824: guest IA32_SYSENTER_ESP.
    public static let guestSysenterESP = VMCSField(rawValue: 0x6824)
    /// 0x6826: guest IA32_SYSENTER_EIP.
    public static let guestSysenterEIP = VMCSField(rawValue: 0x6826)
    /// 0x6828: guest IA32_S_CET.
    public static let guestSCET = VMCSField(rawValue: 0x6828)
    /// 0x6C00: host CR0.
    public static let hostCR0 = VMCSField(rawValue: 0x6C00)
    /// 0x6C02: host CR3.
    public static let hostCR3 = VMCSField(rawValue: 0x6C02)
    /// 0x6C04: host CR4.
    public static let hostCR4 = VMCSField(rawValue: 0x6C04)
    /// 0x6C06: host FS base.
    public static let hostFSBase = VMCSField(rawValue: 0x6C06)
    /// 0x6C08: host GS base.
    public static let hostGSBase = VMCSField(rawValue: 0x6C08)
    /// 0x6C0A: host TR base.
    public static let hostTRBase = VMCSField(rawValue: 0x6C0A)
    /// 0x6C0C: host GDTR base.
    public static let hostGDTRBase = VMCSField(rawValue: 0x6C0C)
    /// 0x6C0E: host IDTR base.
    public static let hostIDTRBase = VMCSField(rawValue: 0x6C0E)
    /// 0x6C10: host IA32_SYSENTER_ESP.
    public static let hostSysenterESP = VMCSField(rawValue: 0x6C10)
    /// 0x6C12: host IA32_SYSENTER_EIP.
    public static let hostSysenterEIP = VMCSField(rawValue: 0x6C12)
    /// 0x6C14: host RSP.
    public static let hostRSP = VMCSField(rawValue: 0x6C14)
    /// 0x6C16: host RIP.
    public static let hostRIP = VMCSField(rawValue: 0x6C16)
    /// 0x6C18: host IA32_S_CET.
    public static let hostSCET = VMCSField(rawValue: 0x6C18)

    /// Every field this model supports, with its name, in encoding order.
    public static let known: [(field: VMCSField, name: String)] = [
        (.vpid, "virtual-processor identifier"),
        (.postedInterruptNotificationVector, "posted-interrupt notification vector"),
        (.eptpIndex, "EPTP index"),
        (.guestESSelector, "guest ES selector"),
        (.guestCSSelector, "guest CS selector"),
        (.guestSSSelector, "guest SS selector"),
        (.guestDSSelector, "guest DS selector"),
        (.guestFSSelector, "guest FS selector"),
        (.guestGSSelector, "guest GS selector"),
        (.guestLDTRSelector, "guest LDTR selector"),
        (.guestTRSelector, "guest TR selector"),
        (.guestInterruptStatus, "guest interrupt status"),
        (.pmlIndex, "PML index"),
        (.hostESSelector, "host ES selector"),
        (.hostCSSelector, "host CS selector"),
        (.hostSSSelector, "host SS selector"),
        (.hostDSSelector, "host DS selector"),
        (.hostFSSelector, "host FS selector"),
        (.hostGSSelector, "host GS selector"),
        (.hostTRSelector, "host TR selector"),
        (.ioBitmapA, "I/O bitmap A address"),
        (.ioBitmapB, "I/O bitmap B address"),
        (.msrBitmap, "MSR-bitmap address"),
        (.exitMSRStoreAddress, "VM-exit MSR-store address"),
        (.exitMSRLoadAddress, "VM-exit MSR-load address"),
        (.entryMSRLoadAddress, "VM-entry MSR-load address"),
        (.executiveVMCSPointer, "executive-VMCS pointer"),
        (.pmlAddress, "PML address"),
        (.tscOffset, "TSC offset"),
        (.virtualAPICAddress, "virtual-APIC address"),
        (.apicAccessAddress, "APIC-access address"),
        (.postedInterruptDescriptor, "posted-interrupt descriptor address"),
        (.vmFunctionControls, "VM-function controls"),
        (.eptPointer, "EPT pointer"),
        (.eoiExitBitmap0, "EOI-exit bitmap 0"),
        (.eoiExitBitmap1, "EOI-exit bitmap 1"),
        (.eoiExitBitmap2, "EOI-exit bitmap 2"),
        (.eoiExitBitmap3, "EOI-exit bitmap 3"),
        (.eptpListAddress, "EPTP-list address"),
        (.vmreadBitmap, "VMREAD-bitmap address"),
        (.vmwriteBitmap, "VMWRITE-bitmap address"),
        (.veInformationAddress, "virtualization-exception information address"),
        (.xssExitingBitmap, "XSS-exiting bitmap"),
        (.enclsExitingBitmap, "ENCLS-exiting bitmap"),
        (.tscMultiplier, "TSC multiplier"),
        (.tertiaryProcessorControls, "tertiary processor-based VM-execution controls"),
        (.pidPointerTable, "PID-pointer table address"),
        (.secondaryExitControls, "secondary VM-exit controls"),
        (.guestPhysicalAddress, "guest-physical address"),
        (.vmcsLinkPointer, "VMCS link pointer"),
        (.guestDebugCtl, "guest IA32_DEBUGCTL"),
        (.guestPAT, "guest IA32_PAT"),
        (.guestEFER, "guest IA32_EFER"),
        (.guestPerfGlobalCtrl, "guest IA32_PERF_GLOBAL_CTRL"),
        (.guestPDPTE0, "guest PDPTE0"),
        (.guestPDPTE1, "guest PDPTE1"),
        (.guestPDPTE2, "guest PDPTE2"),
        (.guestPDPTE3, "guest PDPTE3"),
        (.guestBNDCFGS, "guest IA32_BNDCFGS"),
        (.hostPAT, "host IA32_PAT"),
        (.hostEFER, "host IA32_EFER"),
        (.hostPerfGlobalCtrl, "host IA32_PERF_GLOBAL_CTRL"),
        (.pinBasedControls, "pin-based VM-execution controls"),
        (.primaryProcessorControls, "primary processor-based VM-execution controls"),
        (.exceptionBitmap, "exception bitmap"),
        (.pageFaultErrorCodeMask, "page-fault error-code mask"),
        (.pageFaultErrorCodeMatch, "page-fault error-code match"),
        (.cr3TargetCount, "CR3-target count"),
        (.exitControls, "VM-exit controls"),
        (.exitMSRStoreCount, "VM-exit MSR-store count"),
        (.exitMSRLoadCount, "VM-exit MSR-load count"),
        (.entryControls, "VM-entry controls"),
        (.entryMSRLoadCount, "VM-entry MSR-load count"),
        (.entryInterruptionInformation, "VM-entry interruption-information field"),
        (.entryExceptionErrorCode, "VM-entry exception error code"),
        (.entryInstructionLength, "VM-entry instruction length"),
        (.tprThreshold, "TPR threshold"),
        (.secondaryProcessorControls, "secondary processor-based VM-execution controls"),
        (.pleGap, "PLE gap"),
        (.pleWindow, "PLE window"),
        (.notifyWindow, "notify window"),
        (.vmInstructionError, "VM-instruction error"),
        (.exitReason, "exit reason"),
        (.exitInterruptionInformation, "VM-exit interruption information"),
        (.exitInterruptionErrorCode, "VM-exit interruption error code"),
        (.idtVectoringInformation, "IDT-vectoring information"),
        (.idtVectoringErrorCode, "IDT-vectoring error code"),
        (.exitInstructionLength, "VM-exit instruction length"),
        (.vmxInstructionInformation, "VM-exit instruction information"),
        (.guestESLimit, "guest ES limit"),
        (.guestCSLimit, "guest CS limit"),
        (.guestSSLimit, "guest SS limit"),
        (.guestDSLimit, "guest DS limit"),
        (.guestFSLimit, "guest FS limit"),
        (.guestGSLimit, "guest GS limit"),
        (.guestLDTRLimit, "guest LDTR limit"),
        (.guestTRLimit, "guest TR limit"),
        (.guestGDTRLimit, "guest GDTR limit"),
        (.guestIDTRLimit, "guest IDTR limit"),
        (.guestESAccessRights, "guest ES access rights"),
        (.guestCSAccessRights, "guest CS access rights"),
        (.guestSSAccessRights, "guest SS access rights"),
        (.guestDSAccessRights, "guest DS access rights"),
        (.guestFSAccessRights, "guest FS access rights"),
        (.guestGSAccessRights, "guest GS access rights"),
        (.guestLDTRAccessRights, "guest LDTR access rights"),
        (.guestTRAccessRights, "guest TR access rights"),
        (.guestInterruptibility, "guest interruptibility state"),
        (.guestActivityState, "guest activity state"),
        (.guestSMBASE, "guest SMBASE"),
        (.guestSysenterCS, "guest IA32_SYSENTER_CS"),
        (.preemptionTimerValue, "VMX-preemption timer value"),
        (.hostSysenterCS, "host IA32_SYSENTER_CS"),
        (.cr0GuestHostMask, "CR0 guest/host mask"),
        (.cr4GuestHostMask, "CR4 guest/host mask"),
        (.cr0ReadShadow, "CR0 read shadow"),
        (.cr4ReadShadow, "CR4 read shadow"),
        (.cr3Target0, "CR3-target value 0"),
        (.cr3Target1, "CR3-target value 1"),
        (.cr3Target2, "CR3-target value 2"),
        (.cr3Target3, "CR3-target value 3"),
        (.exitQualification, "exit qualification"),
        (.ioRCX, "I/O RCX"),
        (.ioRSI, "I/O RSI"),
        (.ioRDI, "I/O RDI"),
        (.ioRIP, "I/O RIP"),
        (.guestLinearAddress, "guest-linear address"),
        (.guestCR0, "guest CR0"),
        (.guestCR3, "guest CR3"),
        (.guestCR4, "guest CR4"),
        (.guestESBase, "guest ES base"),
        (.guestCSBase, "guest CS base"),
        (.guestSSBase, "guest SS base"),
        (.guestDSBase, "guest DS base"),
        (.guestFSBase, "guest FS base"),
        (.guestGSBase, "guest GS base"),
        (.guestLDTRBase, "guest LDTR base"),
        (.guestTRBase, "guest TR base"),
        (.guestGDTRBase, "guest GDTR base"),
        (.guestIDTRBase, "guest IDTR base"),
        (.guestDR7, "guest DR7"),
        (.guestRSP, "guest RSP"),
        (.guestRIP, "guest RIP"),
        (.guestRFLAGS, "guest RFLAGS"),
        (.guestPendingDebugExceptions, "guest pending debug exceptions"),
        (.guestSysenterESP, "guest IA32_SYSENTER_ESP"),
        (.guestSysenterEIP, "guest IA32_SYSENTER_EIP"),
        (.guestSCET, "guest IA32_S_CET"),
        (.hostCR0, "host CR0"),
        (.hostCR3, "host CR3"),
        (.hostCR4, "host CR4"),
        (.hostFSBase, "host FS base"),
        (.hostGSBase, "host GS base"),
        (.hostTRBase, "host TR base"),
        (.hostGDTRBase, "host GDTR base"),
        (.hostIDTRBase, "host IDTR base"),
        (.hostSysenterESP, "host IA32_SYSENTER_ESP"),
        (.hostSysenterEIP, "host IA32_SYSENTER_EIP"),
        (.hostRSP, "host RSP"),
        (.hostRIP, "host RIP"),
        (.hostSCET, "host IA32_S_CET"),
    ]

    static let names: [VMCSField: String] = Dictionary(
        uniqueKeysWithValues: known.map { ($0.field, $0.name) })
}
