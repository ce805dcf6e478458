/** The DS adapter that sets up console access at first start. */
package io.kapi.shell.internal;
