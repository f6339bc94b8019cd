mod answers;
mod builder;
