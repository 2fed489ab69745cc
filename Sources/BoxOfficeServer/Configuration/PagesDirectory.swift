import Foundation

/// Where the pages (`public/`: the seat picker, the admin, the kiosk board) are served from.
///
/// `BOXOFFICE_PUBLIC_DIR` when set. Otherwise the first of these that holds an `index.html`: `./public` (the
/// repository's folder, the README's first command), then beside the binary and above it — `public/` and
/// `share/boxoffice/public/` in the binary's folder and each folder above it, up to four levels (an installed
/// `/usr/local/bin/boxoffice` finds `/usr/local/share/boxoffice/public`; `.build/…/debug/boxoffice` finds the
/// checkout's `public/`). So a binary started anywhere finds its pages, and says where, or that it has none.
public enum PagesDirectory {
    /// The folder found, or nil; and every folder looked in, for the start-up line.
    public struct Found: Sendable, Equatable {
        public var path: String?
        public var lookedIn: [String]
    }

    public static func locate(
        explicit: String?, workingDirectory: String = FileManager.default.currentDirectoryPath,
        executable: String? = PagesDirectory.executablePath, hasIndex: (String) -> Bool = PagesDirectory.hasIndex
    ) -> Found {
        if let explicit {
            let path = absolute(explicit, from: workingDirectory)
            return Found(path: hasIndex(path) ? path : nil, lookedIn: [path])
        }
        var candidates = [absolute("public", from: workingDirectory)]
        if let executable {
            var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<5 {
                candidates.append(folder.appendingPathComponent("public").path)
                candidates.append(folder.appendingPathComponent("share/boxoffice/public").path)
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        var seen = Set<String>()
        let unique = candidates.filter { seen.insert($0).inserted }
        return Found(path: unique.first(where: hasIndex), lookedIn: unique)
    }

    /// This process's binary (Linux: `/proc/self/exe`), or nil when it cannot be told.
    public static var executablePath: String? {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return Bundle.main.executablePath
    }

    public static func hasIndex(_ folder: String) -> Bool {
        FileManager.default.fileExists(atPath: URL(fileURLWithPath: folder).appendingPathComponent("index.html").path)
    }

    private static func absolute(_ path: String, from folder: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: folder).appendingPathComponent(path).standardizedFileURL.path
    }
}
