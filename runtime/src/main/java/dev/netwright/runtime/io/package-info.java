/**
 * Persistence: {@link dev.netwright.runtime.io.Checkpoint} saves and resumes training exactly
 * (parameters, buffers, optimizer state, where the run stands), {@link
 * dev.netwright.runtime.io.Npz} and {@link dev.netwright.runtime.io.Npy} exchange weights with
 * NumPy and PyTorch, and {@link dev.netwright.runtime.io.Onnx} writes the network for ONNX Runtime
 * and other serving stacks.
 *
 * <p>Conventions shared by every writer and reader:
 *
 * <ul>
 *   <li>Writes are atomic: a temporary file beside the target, fsync, rename. A failure at any
 *       point leaves the previous file as it was and no temporary file behind.
 *   <li>Reads check everything — format, version, checksums, names, shapes, types — before the
 *       model or optimizer changes; a file that does not fit throws {@link
 *       dev.netwright.runtime.io.ModelFileException} naming what was expected, what was found, and
 *       what to do.
 *   <li>Arrays move chunk by chunk through native memory, in C order, little-endian; same-type
 *       transfers are bit for bit.
 * </ul>
 */
package dev.netwright.runtime.io;
