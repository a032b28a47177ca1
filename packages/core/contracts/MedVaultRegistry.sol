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
/// Every signature carries a deadline. Replay is impossible: the EIP-712
/// domain binds chain and contract, each call has its own type, sizes only
/// grow, an owner registers a grant id once and a revoked grant stays revoked.
contract MedVaultRegistry is EIP712 {
    bytes32 private constant ANCHOR_TYPEHASH =
        keccak256("Anchor(bytes32 ledgerKey,uint64 size,bytes32 root,uint64 deadline)");
    bytes32 private constant GRANT_TYPEHASH =
        keccak256("RegisterGrant(bytes32 grantId,bytes32 commitment,uint64 expiresAt,uint64 deadline)");
    bytes32 private constant REVOKE_TYPEHASH = keccak256("RevokeGrant(bytes32 grantId,uint64 deadline)");

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

    mapping(bytes32 anchorKey => Anchor) private _anchors; // keccak256(abi.encode(ledgerKey, owner))
    mapping(bytes32 grantKey => Grant) private _grants; // keccak256(abi.encode(owner, grantId))

    event Anchored(bytes32 indexed ledgerKey, address indexed owner, uint64 indexed size, bytes32 root);
    event GrantRegistered(bytes32 indexed grantId, address indexed owner, bytes32 commitment, uint64 expiresAt);
    event GrantRevoked(bytes32 indexed grantId, address indexed owner);

    error SizeNotIncreasing(uint64 latest, uint64 proposed);
    error EmptyCheckpoint();
    error GrantExists(address owner, bytes32 grantId);
    error UnknownGrant(address owner, bytes32 grantId);
    error AlreadyRevoked(address owner, bytes32 grantId);
    error AlreadyExpired(uint64 expiresAt);
    error SignatureExpired(uint64 deadline);

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
        Grant storage g = _grants[keccak256(abi.encode(owner, grantId))];
        if (g.expiresAt != 0) revert GrantExists(owner, grantId);
        g.expiresAt = expiresAt;
        g.commitment = commitment;
        emit GrantRegistered(grantId, owner, commitment, expiresAt);
    }

    /// @notice Revokes the signer's grant `grantId`.
    function revokeGrant(bytes32 grantId, uint64 deadline, bytes calldata ownerSig) external {
        if (block.timestamp > deadline) revert SignatureExpired(deadline);
        address owner = ECDSA.recover(
            _hashTypedDataV4(keccak256(abi.encode(REVOKE_TYPEHASH, grantId, deadline))), ownerSig
        );
        Grant storage g = _grants[keccak256(abi.encode(owner, grantId))];
        if (g.expiresAt == 0) revert UnknownGrant(owner, grantId);
        if (g.revoked) revert AlreadyRevoked(owner, grantId);
        g.revoked = true;
        emit GrantRevoked(grantId, owner);
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
}
