import net from 'node:net';

/**
 * A loopback port with nothing listening on it (for a server that must know its address before it
 * starts, or for "nothing answers here"). Another process could take it meanwhile: loopback only.
 */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
