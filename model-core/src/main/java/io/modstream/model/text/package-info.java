/**
 * From text to token ids, the same in training and serving: {@link
 * io.modstream.model.text.Tokenizer} (with its disguise handling), {@link
 * io.modstream.model.text.Vocabulary} built by {@link io.modstream.model.text.VocabularyBuilder},
 * and {@link io.modstream.model.text.TextEncoder}.
 */
package io.modstream.model.text;
