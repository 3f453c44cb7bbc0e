/** In-framework tests of the Neurite runtime. */
package dev.neurite.itest;
