/**
 * How a batch runs: {@link dev.netwright.runtime.exec.BatchPlan} holds one batch size's buffer sets
 * and runs them whole or split into parts side by side, {@link dev.netwright.runtime.exec.Lanes}
 * gives each part a thread with one native thread, {@link dev.netwright.runtime.exec.Branches} runs
 * a block's independent branches side by side for small batches, and {@link
 * dev.netwright.runtime.exec.Threads} sets how many native threads a Java thread asks for.
 *
 * <p>Below the model: a buffer set is a {@link dev.netwright.runtime.exec.Part} here, which the
 * model's buffer set extends; nothing here names the model.
 */
package dev.netwright.runtime.exec;
