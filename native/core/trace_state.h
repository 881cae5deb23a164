// The light half of tracing.h: whether a torch.jit.trace records on this thread, its warnings and
// module scopes, without the TorchScript headers (included by every binding that checks for a trace).
#pragma once
#include <string>
#include <vector>

namespace nodetorch::tracing {

/** Whether a trace is recording on this thread. */
bool isTracing();
/** Opens a scope (a module path) for the nodes recorded next; no-op without a trace. */
void pushScope(const std::string& name);
/** Closes the scope opened last; no-op without a trace. */
void popScope();

/**
 * Records an async call refused while tracing (its error may have been swallowed into a Promise
 * the traced function dropped): the trace then fails with that error.
 */
void refuseAsyncCall(const std::string& message);

/** Records a warning of the trace running on this thread (shown when the trace returns). */
void warn(const std::string& message);
/** The warnings recorded since the last call, including LibTorch's own tracer warnings. */
std::vector<std::string> takeWarnings();

}  // namespace nodetorch::tracing
