// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/// @title MedVault registry: checkpoint anchors of patient ledgers and the grant registry.
/// @notice Patients sign (EIP-712) and anyone relays, so a patient needs no ETH.
/// The chain never sees a ledger id, a reader or a scope in clear:
/// - anchors live under (ledgerKey, owner), ledgerKey being
///   keccak256("medvault/ledger-key/v1" ‖ ledgerId), which only the parties of
///   the ledger can recompute;
/// - a grant is a salted commitment to (ledger, reader, scope, ledger host),
///   stored under (owner, grantId) with owner the signer: a grant id is the
///   signer's own, so nobody can take a patient's id by registering it first.
/// An identity key can be rotated once to a successor (after theft): both
/// keys sign, the old key can then no longer anchor, register or revoke, its
/// grants stay where they are (readable and active under the old address) and
/// the newest key of the chain revokes them.
/// Every signature carries a deadline. Replay is impossible: the EIP-712
/// domain binds chain and contract, each call has its own type, sizes only
/// grow, an owner registers a grant id once, a revoked grant stays revoked
/// and a key is retired once.
contract MedVaultRegistry is EIP712 {
    bytes32 private constant ANCHOR_TYPEHASH =
        keccak256("Anchor(bytes32 ledgerKey,uint64 size,bytes32 root,uint64 deadline)");
    bytes32 private constant GRANT_TYPEHASH =
        keccak256("RegisterGrant(bytes32 grantId,bytes32 commitment,uint64 expiresAt,uint64 deadline)");
    bytes32 private constant REVOKE_TYPEHASH = keccak256("RevokeGrant(bytes32 grantId,uint64 deadline)");
    bytes32 private constant REVOKE_OF_TYPEHASH =
        keccak256("RevokeGrantOf(address namespace,bytes32 grantId,uint64 deadline)");
    bytes32 private constant ROTATE_TYPEHASH = keccak256("RotateKey(address newKey,uint64 deadline)");
    bytes32 private constant ACCEPT_TYPEHASH = keccak256("AcceptKey(address oldKey,uint64 deadline)");

    /// @notice Rotations one chain of keys may hold: every walk along it is
    /// complete within this many hops.
    uint32 public constant MAX_ROTATIONS = 32;

    struct Anchor {
        bytes32 root;
        uint64 size;
        uint64 blockNumber;
    }

    /// @dev Two slots: expiresAt + revoked packed, then the commitment. A grant
    /// exists when expiresAt != 0 (registration requires expiresAt > block time).
    struct Grant {
        uint64 expiresAt;
        bool revoked;
        bytes32 commitment;
    }

    /// @dev Slot 0 (successor + generation) is all that anchor, registerGrant
    /// and revokeGrant read; slot 1 only rotations and revokeGrantOf.
    struct KeyLinks {
        address successor; // the key this one was rotated to (0: current)
        uint32 generation; // rotations before this key in its chain (0: a first key)
        address predecessor; // the key rotated to this one (0: a first key)
    }

    mapping(bytes32 anchorKey => Anchor) private _anchors; // keccak256(abi.encode(ledgerKey, owner))
    mapping(bytes32 grantKey => Grant) private _grants; // keccak256(abi.encode(owner, grantId))
    mapping(address key => KeyLinks) private _keys;

    event Anchored(bytes32 indexed ledgerKey, address indexed owner, uint64 indexed size, bytes32 root);
    event GrantRegistered(bytes32 indexed grantId, address indexed owner, bytes32 commitment, uint64 expiresAt);
    /// @dev `owner` is the grant's namespace (its registering key), also when
    /// a later key revoked it through revokeGrantOf.
    event GrantRevoked(bytes32 indexed grantId, address indexed owner);
    event KeyRotated(address indexed oldKey, address indexed newKey);

    error SizeNotIncreasing(uint64 latest, uint64 proposed);
    error EmptyCheckpoint();
    error GrantExists(address owner, bytes32 grantId);
    error UnknownGrant(address owner, bytes32 grantId);
    error AlreadyRevoked(address owner, bytes32 grantId);
    error AlreadyExpired(uint64 expiresAt);
    error SignatureExpired(uint64 deadline);
    error KeyRetired(address key, address successor);
    error WrongSigner(address expected, address signer);
    error SameKey(address key);
    error KeyHasPredecessor(address key, address predecessor);
    error TooManyRotations(uint32 limit);
    error NotCurrentKey(address namespace, address signer);

    constructor() EIP712("MedVaultRegistry", "1") {}

    /// @notice Anchors the owner's checkpoint (size, root) of a ledger; sizes strictly increase.
    function anchor(bytes32 ledgerKey, uint64 size, bytes32 root, uint64 deadline, bytes calldata ownerSig)
        external
    {
        if (block.timestamp > deadline) revert SignatureExpired(deadline);
        if (size == 0) revert EmptyCheckpoint();
        address owner = ECDSA.recover(
            _hashTypedDataV4(keccak256(abi.encode(ANCHOR_TYPEHASH, ledgerKey, size, root, deadline))), ownerSig
        );
        _requireCurrent(owner);
        Anchor storage latest = _anchors[keccak256(abi.encode(ledgerKey, owner))];
        if (size <= latest.size) revert SizeNotIncreasing(latest.size, size);
        latest.root = root;
        latest.size = size;
        latest.blockNumber = uint64(block.number);
        emit Anchored(ledgerKey, owner, size, root);
    }

    /// @notice The latest anchor under `ledgerKey` by `owner` (size 0 when none).
    function latestAnchor(bytes32 ledgerKey, address owner)
        external
        view
        returns (uint64 size, bytes32 root, uint64 blockNumber)
    {
        Anchor storage a = _anchors[keccak256(abi.encode(ledgerKey, owner))];
        return (a.size, a.root, a.blockNumber);
    }

    /// @notice Registers a grant (a salted commitment) in its signer's namespace.
    function registerGrant(
        bytes32 grantId,
        bytes32 commitment,
        uint64 expiresAt,
        uint64 deadline,
        bytes calldata ownerSig
    ) external {
        if (block.timestamp > deadline) revert SignatureExpired(deadline);
        if (expiresAt <= block.timestamp) revert AlreadyExpired(expiresAt);
        address owner = ECDSA.recover(
            _hashTypedDataV4(keccak256(abi.encode(GRANT_TYPEHASH, grantId, commitment, expiresAt, deadline))),
            ownerSig
        );
        _requireCurrent(owner);
        Grant storage g = _grants[keccak256(abi.encode(owner, grantId))];
        if (g.expiresAt != 0) revert GrantExists(owner, grantId);
        g.expiresAt = expiresAt;
        g.commitment = commitment;
        emit GrantRegistered(grantId, owner, commitment, expiresAt);
    }

    /// @notice Revokes the signer's grant `grantId` (in the signer's own namespace).
    function revokeGrant(bytes32 grantId, uint64 deadline, bytes calldata ownerSig) external {
        if (block.timestamp > deadline) revert SignatureExpired(deadline);
        address owner = ECDSA.recover(
            _hashTypedDataV4(keccak256(abi.encode(REVOKE_TYPEHASH, grantId, deadline))), ownerSig
        );
        _requireCurrent(owner);
        _revoke(owner, grantId);
    }

    /// @notice Revokes grant `grantId` of `namespace`, an earlier key of the
    /// signer's chain (or the signer itself): the signer must be the current
    /// key that `namespace` was rotated to, directly or through later rotations.
    function revokeGrantOf(address namespace, bytes32 grantId, uint64 deadline, bytes calldata ownerSig)
        external
    {
        if (block.timestamp > deadline) revert SignatureExpired(deadline);
        address signer = ECDSA.recover(
            _hashTypedDataV4(keccak256(abi.encode(REVOKE_OF_TYPEHASH, namespace, grantId, deadline))), ownerSig
        );
        _requireCurrent(signer);
        // A chain holds at most MAX_ROTATIONS + 1 keys, so this walk back from
        // the signer reaches its first key.
        address key = signer;
        while (key != namespace) {
            key = _keys[key].predecessor;
            if (key == address(0)) revert NotCurrentKey(namespace, signer);
        }
        _revoke(namespace, grantId);
    }

    /// @notice Retires `oldKey` in favour of `newKey`. `oldKey` signs
    /// `RotateKey(newKey, deadline)`; `newKey` accepts with
    /// `AcceptKey(oldKey, deadline)`, proving it is held. A key is retired
    /// once; `newKey` must differ, be current and have no predecessor.
    function rotateKey(
        address oldKey,
        address newKey,
        uint64 deadline,
        bytes calldata oldKeySig,
        bytes calldata newKeySig
    ) external {
        if (block.timestamp > deadline) revert SignatureExpired(deadline);
        if (oldKey == newKey) revert SameKey(oldKey);
        address signer =
            ECDSA.recover(_hashTypedDataV4(keccak256(abi.encode(ROTATE_TYPEHASH, newKey, deadline))), oldKeySig);
        if (signer != oldKey) revert WrongSigner(oldKey, signer);
        signer = ECDSA.recover(_hashTypedDataV4(keccak256(abi.encode(ACCEPT_TYPEHASH, oldKey, deadline))), newKeySig);
        if (signer != newKey) revert WrongSigner(newKey, signer);

        KeyLinks storage old = _keys[oldKey];
        KeyLinks storage next = _keys[newKey];
        if (old.successor != address(0)) revert KeyRetired(oldKey, old.successor);
        if (next.successor != address(0)) revert KeyRetired(newKey, next.successor);
        if (next.predecessor != address(0)) revert KeyHasPredecessor(newKey, next.predecessor);
        if (old.generation >= MAX_ROTATIONS) revert TooManyRotations(MAX_ROTATIONS);
        old.successor = newKey;
        next.generation = old.generation + 1;
        next.predecessor = oldKey;
        emit KeyRotated(oldKey, newKey);
    }

    /// @notice The key `key` was rotated to (0 when `key` is current).
    function successorOf(address key) external view returns (address) {
        return _keys[key].successor;
    }

    /// @notice The key rotated to `key` (0 when `key` is the first of its chain).
    function predecessorOf(address key) external view returns (address) {
        return _keys[key].predecessor;
    }

    /// @notice The current key of `key`'s chain: `key` itself when never rotated.
    function currentKey(address key) external view returns (address) {
        for (address next = _keys[key].successor; next != address(0); next = _keys[key].successor) {
            key = next;
        }
        return key;
    }

    /// @notice Whether `owner`'s grant exists, is not revoked and has not expired (by block time).
    function isGrantActive(address owner, bytes32 grantId) external view returns (bool) {
        Grant storage g = _grants[keccak256(abi.encode(owner, grantId))];
        return !g.revoked && block.timestamp < g.expiresAt;
    }

    /// @notice `owner`'s grant `grantId` as stored (`exists` false and zeros when none).
    function getGrant(address owner, bytes32 grantId)
        external
        view
        returns (bool exists, uint64 expiresAt, bool revoked, bytes32 commitment)
    {
        Grant storage g = _grants[keccak256(abi.encode(owner, grantId))];
        return (g.expiresAt != 0, g.expiresAt, g.revoked, g.commitment);
    }

    /// @dev One SLOAD: a retired key signs nothing any more.
    function _requireCurrent(address key) private view {
        address successor = _keys[key].successor;
        if (successor != address(0)) revert KeyRetired(key, successor);
    }

    function _revoke(address owner, bytes32 grantId) private {
        Grant storage g = _grants[keccak256(abi.encode(owner, grantId))];
        if (g.expiresAt == 0) revert UnknownGrant(owner, grantId);
        if (g.revoked) revert AlreadyRevoked(owner, grantId);
        g.revoked = true;
        emit GrantRevoked(grantId, owner);
    }
}
