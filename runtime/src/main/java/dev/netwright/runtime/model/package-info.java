/**
 * What a network is at run time: {@link dev.netwright.runtime.model.Model}, what the training
 * loop, optimizers and persistence see of it; {@link dev.netwright.runtime.model.GeneratedModel},
 * the base every generated network extends (input checks, buffer sets per batch size, the order of
 * calls); {@link dev.netwright.runtime.model.Parameters}, its named parameters and buffers over
 * flat arrays, with their initialisers; and {@link dev.netwright.runtime.model.HeadType}, its loss.
 */
package dev.netwright.runtime.model;
