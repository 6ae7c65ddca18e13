/**
 * Optimizers and learning-rate schedules over {@link dev.netwright.runtime.model.Parameters}' flat
 * buffers, with PyTorch's semantics (torch.optim), ordered by complexity: {@link
 * dev.netwright.runtime.optim.Sgd} (momentum, Nesterov, weight decay), then {@link
 * dev.netwright.runtime.optim.Adam} (and AdamW).
 *
 * <p>Conventions shared by every optimizer:
 *
 * <ul>
 *   <li>State buffers are allocated once, flat and laid out like the values; {@code step()}
 *       allocates nothing on the Java heap (cblas over the native memory, or one plain loop).
 *   <li>Gradients are read, never modified; non-trainable buffers are never seen.
 *   <li>Weight decay applies to every parameter unless its name ends with an excluded suffix.
 *   <li>{@code state()}, {@code steps()} and {@code restore(...)} are everything a checkpoint needs
 *       to continue training exactly; the learning rate is the schedule's to set.
 *   <li>Bad hyper-parameters throw {@link java.lang.IllegalArgumentException} when the optimizer is
 *       built, naming the value and the allowed range.
 *   <li>An optimizer instance belongs to one thread at a time.
 * </ul>
 */
package dev.netwright.runtime.optim;
