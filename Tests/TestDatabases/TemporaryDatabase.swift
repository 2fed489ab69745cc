import Foundation

/// A path for a new SQLite file in a folder of its own under the temporary directory, removed by nobody: the OS
/// cleans its temp folder.
public func temporaryDatabasePath() -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("boxoffice-store-\(UUID().uuidString)")
    return folder.appendingPathComponent("test.sqlite").path
}
