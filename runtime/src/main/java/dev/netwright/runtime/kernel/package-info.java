/**
 * Forward/backward kernels over ND4J that generated networks call: convolution, pooling, dense,
 * concatenation and sums ({@code Concat}, {@code Add}, {@code Accumulate} for gradients that
 * several layers contribute to), batch norm, group norm, LRN, dropout, global average pooling, the
 * activations (ReLU, sigmoid, tanh, softmax) and the heads ({@link Loss}: softmax cross-entropy,
 * sigmoid binary cross-entropy, mean squared error).
 *
 * <p>Conventions shared by every kernel:
 *
 * <ul>
 *   <li>Activations are NCHW; all arrays given to one kernel share one floating-point dtype (FLOAT
 *       for training, DOUBLE for gradient checks).
 *   <li>A kernel is built once per batch size around preallocated buffers, arguments in the order
 *       outputs, inputs, parameters. {@code forward()} and {@code backward()} take no arguments,
 *       allocate nothing on the Java heap, and write into those buffers.
 *   <li>{@code backward()} overwrites its gradient outputs; it does not accumulate. It needs {@code
 *       withGradients(...)} first, which binds the gradient buffers once. Every kernel with a
 *       backward pass extends {@link dev.netwright.runtime.kernel.Kernel}, which words these
 *       guards.
 *   <li>Shape and dtype mistakes throw {@link java.lang.IllegalArgumentException} at construction,
 *       naming expected and found shapes; a failing native op throws {@link
 *       java.lang.IllegalStateException} naming the kernel, its arrays and libnd4j's reason.
 *   <li>A kernel instance belongs to one thread at a time.
 *   <li>Layers whose forward differs between training and inference (batch norm, dropout) take the
 *       mode as {@code forward(boolean training)}.
 * </ul>
 */
package dev.netwright.runtime.kernel;
