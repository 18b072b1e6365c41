/// `withUnsafeBytes` variants that keep a typed error: the standard library's versions rethrow
/// `any Error`, which would erase ``WALError`` and ``SystemCallError`` at every call site.
extension Array where Element == UInt8 {
    @inline(__always)
    func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var result: Result<R, E>?
        withUnsafeBytes { raw in
            do throws(E) { result = .success(try body(raw)) } catch { result = .failure(error) }
        }
        return try result!.get()
    }

    @inline(__always)
    mutating func withMutableBytes<R, E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var result: Result<R, E>?
        withUnsafeMutableBytes { raw in
            do throws(E) { result = .success(try body(raw)) } catch { result = .failure(error) }
        }
        return try result!.get()
    }
}

/// A reason why bytes on disk are not what the format expects.
struct FormatProblem: Error, Equatable {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
