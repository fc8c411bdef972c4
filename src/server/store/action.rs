//! What an audit entry records, by name: every action the app writes to
//! the trail. The names are what the trail stores and the audit page
//! filters on.

/// An action in the audit trail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuditAction {
    // Sessions.
    SignIn,
    SignInFailed,
    SignInThrottled,
    SignOut,
    /// A request refused (who, what, the status and why).
    Refused,
    // Views of closed or audited data.
    ViewClosed,
    ViewMeeting,
    ViewCuts,
    ViewUploads,
    ViewUpload,
    /// A DSMB member decoded the coded groups.
    Decode,
    /// The audit trail exported (CSV or PDF).
    ExportAudit,
    // Users and roles (the command line).
    UserAdd,
    UserPasswd,
    UserDisable,
    UserEnable,
    RoleGrant,
    RoleRevoke,
    Chair,
    // The review cycle.
    Meeting,
    Sign,
    DeclareLook,
    // Report documents.
    BuildReport,
    /// A decoded closed report built (a decode by its builder).
    DecodeReport,
    ReleaseReport,
    DownloadReport,
    // Data cuts.
    UploadCut,
    UploadCutDropped,
    CheckCut,
    RegisterCut,
    RegisterCutFailed,
    DiscardUpload,
    PickUpCut,
    ServeCut,
    RejectCut,
    WithdrawCut,
}

impl AuditAction {
    /// Every action, for the audit page's filter.
    pub const ALL: [AuditAction; 36] = [
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::SignInThrottled,
        AuditAction::SignOut,
        AuditAction::Refused,
        AuditAction::ViewClosed,
        AuditAction::ViewMeeting,
        AuditAction::ViewCuts,
        AuditAction::ViewUploads,
        AuditAction::ViewUpload,
        AuditAction::Decode,
        AuditAction::ExportAudit,
        AuditAction::UserAdd,
        AuditAction::UserPasswd,
        AuditAction::UserDisable,
        AuditAction::UserEnable,
        AuditAction::RoleGrant,
        AuditAction::RoleRevoke,
        AuditAction::Chair,
        AuditAction::Meeting,
        AuditAction::Sign,
        AuditAction::DeclareLook,
        AuditAction::BuildReport,
        AuditAction::DecodeReport,
        AuditAction::ReleaseReport,
        AuditAction::DownloadReport,
        AuditAction::UploadCut,
        AuditAction::UploadCutDropped,
        AuditAction::CheckCut,
        AuditAction::RegisterCut,
        AuditAction::RegisterCutFailed,
        AuditAction::DiscardUpload,
        AuditAction::PickUpCut,
        AuditAction::ServeCut,
        AuditAction::RejectCut,
        AuditAction::WithdrawCut,
    ];

    /// The name the trail stores.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SignIn => "sign-in",
            AuditAction::SignInFailed => "sign-in-failed",
            AuditAction::SignInThrottled => "sign-in-throttled",
            AuditAction::SignOut => "sign-out",
            AuditAction::Refused => "refused",
            AuditAction::ViewClosed => "view-closed",
            AuditAction::ViewMeeting => "view-meeting",
            AuditAction::ViewCuts => "view-cuts",
            AuditAction::ViewUploads => "view-uploads",
            AuditAction::ViewUpload => "view-upload",
            AuditAction::Decode => "decode",
            AuditAction::ExportAudit => "export-audit",
            AuditAction::UserAdd => "user-add",
            AuditAction::UserPasswd => "user-passwd",
            AuditAction::UserDisable => "user-disable",
            AuditAction::UserEnable => "user-enable",
            AuditAction::RoleGrant => "role-grant",
            AuditAction::RoleRevoke => "role-revoke",
            AuditAction::Chair => "chair",
            AuditAction::Meeting => "meeting",
            AuditAction::Sign => "sign",
            AuditAction::DeclareLook => "declare-look",
            AuditAction::BuildReport => "build-report",
            AuditAction::DecodeReport => "decode-report",
            AuditAction::ReleaseReport => "release-report",
            AuditAction::DownloadReport => "download-report",
            AuditAction::UploadCut => "upload-cut",
            AuditAction::UploadCutDropped => "upload-cut-dropped",
            AuditAction::CheckCut => "check-cut",
            AuditAction::RegisterCut => "register-cut",
            AuditAction::RegisterCutFailed => "register-cut-failed",
            AuditAction::DiscardUpload => "discard-upload",
            AuditAction::PickUpCut => "pick-up-cut",
            AuditAction::ServeCut => "serve-cut",
            AuditAction::RejectCut => "reject-cut",
            AuditAction::WithdrawCut => "withdraw-cut",
        }
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An entry to write: who, what, on which trial (empty for none), in
/// words, from where.
#[derive(Clone, Copy, Debug)]
pub struct NewAudit<'a> {
    pub username: &'a str,
    pub action: AuditAction,
    pub trial: &'a str,
    pub detail: &'a str,
    pub address: &'a str,
}

#[cfg(test)]
mod tests {
    use super::AuditAction;

    #[test]
    fn every_action_has_one_name() {
        let mut names: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), AuditAction::ALL.len(), "{names:?}");
    }
}
