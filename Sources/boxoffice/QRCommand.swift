import ArgumentParser
import Foundation
import QRCode

/// `boxoffice qr TEXT`: the QR code of TEXT as the SVG document a ticket shows, on standard output — for checking a
/// code with a scanner, and what `e2e/qr` decodes.
struct QR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr",
        abstract: "Print the QR code of a text (a ticket code, a link) as an SVG document.")

    @Argument(help: "The text to encode: at most \(QREncoder.capacity) bytes of UTF-8. Put -- before a text that starts with a dash.")
    var text: String
    @Flag(help: "Also print the version, mask and size chosen, on standard error.") var describe = false

    func validate() throws {
        let bytes = text.utf8.count
        guard bytes <= QREncoder.capacity else {
            throw ValidationError("the text is \(bytes) bytes of UTF-8; a QR code here holds at most \(QREncoder.capacity)")
        }
    }

    func run() throws {
        let symbol = try QREncoder.encode(text)
        print(QRSVG.document(for: symbol.matrix, label: text), terminator: "")
        if describe {
            let line = "version \(symbol.version), mask \(symbol.mask.reference), \(symbol.matrix.size) modules, \(text.utf8.count) bytes\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}
