#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files that hold secrets or personal data are created readable and writable by their owner only (0600).
enum OwnerOnlyFile {
    /// Creates an empty file at `path` with mode 0600; false if something is already there (it is left alone).
    /// One `open(O_CREAT | O_EXCL)`, so no other process can slip a file in between a check and the create.
    static func create(at path: String) throws -> Bool {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { return false }
            throw OwnerOnlyFileError(path: path, code: errno)
        }
        // The umask can only take bits away from 0600; set it exactly anyway.
        _ = fchmod(descriptor, 0o600)
        close(descriptor)
        return true
    }
}

struct OwnerOnlyFileError: Error, CustomStringConvertible {
    let path: String
    let code: Int32

    var description: String { "cannot create \(path): \(String(cString: strerror(code)))" }
}
