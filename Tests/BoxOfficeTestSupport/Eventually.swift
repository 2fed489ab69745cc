/// Polls `condition` until it holds or `timeout` passes, and answers whether it held; for effects that land on another
/// task (a timer, a notice from another node). The caller then checks what it expects.
public func eventually(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return try await condition()
}
